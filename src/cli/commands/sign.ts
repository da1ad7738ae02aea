// `cardauth sign verify`: validates a signature made with an ID card, with
// the project's validator (src/sign/verify), outside the service:
//   cardauth sign verify <signed.pdf> [options]
//   cardauth sign verify <document> --detached <signature.p7s> [options]
// options:
//   --root <file>     the national root (PEM or DER); default <data-dir>/pki/root.crt
//   --ocsp <url>      ask this OCSP responder for the signer's status (default:
//                     the URL in the certificate; a service's is <base>/pki/ocsp)
//   --offline         do not ask for the status (reported as not checked)
//   --json            one JSON object on stdout
// Exit 0: valid. Exit 1: not valid (`error: <code>` on stderr), or the status
// could not be determined (status_unavailable: fail closed). Exit 2: usage.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isAppError } from '../../errors/app-error.js';
import { ocspStatus } from '../../sign/adapters/ocsp-status.js';
import { MAX_PDF_BYTES } from '../../sign/pdf/limits.js';
import { verifyPdf } from '../../sign/verify/verify-pdf.js';
import { MAX_CMS_BYTES } from '../../sign/verify/read-cms.js';
import { verifySignature, type SignatureTrust, type SignatureValidation } from '../../sign/verify/verify-signature.js';
import { CliError, type CliIo } from '../io.js';
import { dataDirOf } from './registry-env.js';

const USAGE = `usage:
  cardauth sign verify <signed.pdf> [--root <file>] [--ocsp <url> | --offline] [--json]
  cardauth sign verify <document> --detached <signature.p7s> [--root <file>] [--ocsp <url> | --offline] [--json]
`;

/** The largest document a detached signature is checked against here (it is hashed, not kept). */
const MAX_DOCUMENT_BYTES = 1024 * 1024 * 1024;

function readBounded(path: string, max: number, what: string): Buffer {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new CliError(`cannot read ${what} ${path}`, 'usage', 2);
  }
  if (size > max) throw new CliError(`${what} ${path} is larger than ${max} bytes`, 'usage', 2);
  return readFileSync(path);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'verify') {
    (sub === '--help' || sub === '-h' ? io.stdout : io.stderr).write(USAGE);
    return sub === '--help' || sub === '-h' ? 0 : 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: { detached: { type: 'string' }, root: { type: 'string' }, ocsp: { type: 'string' }, offline: { type: 'boolean' }, json: { type: 'boolean' }, dir: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`, 'usage', 2);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CliError(`name one file to verify\n${USAGE}`, 'usage', 2);
  if (values.offline && values.ocsp !== undefined) throw new CliError(`--offline and --ocsp exclude each other\n${USAGE}`, 'usage', 2);
  const rootPath = values.root ?? join(dataDirOf(values.dir, io), 'pki', 'root.crt');
  if (!existsSync(rootPath)) throw new CliError(`no national root at ${rootPath}: give it with --root`, 'usage', 2);
  const trust: SignatureTrust = {
    root: readFileSync(rootPath),
    ...(values.offline ? {} : { status: ocspStatus({ url: values.ocsp }) }),
  };
  const file = positionals[0]!;
  let result: SignatureValidation;
  try {
    if (values.detached !== undefined) {
      const cms = readBounded(values.detached, MAX_CMS_BYTES, 'the signature');
      result = await verifySignature(cms, { data: readBounded(file, MAX_DOCUMENT_BYTES, 'the document') }, trust);
    } else {
      const pdf = readBounded(file, 4 * MAX_PDF_BYTES, 'the PDF');
      if (!pdf.subarray(0, 1024).toString('latin1').includes('%PDF-')) throw new CliError(`${file} is not a PDF: give its detached signature with --detached`, 'usage', 2);
      result = await verifyPdf(pdf, trust);
    }
  } catch (e) {
    if (!isAppError(e)) throw e;
    if (values.json) io.stdout.write(`${JSON.stringify({ valid: false, code: e.code, message: e.message })}\n`);
    else io.stdout.write(`signature NOT VALID: ${e.message}\n`);
    io.stderr.write(`error: ${e.code}\n`);
    return 1;
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ...result, contentIdentifier: result.contentIdentifier?.toString('hex') })}\n`);
    return 0;
  }
  const s = result.status;
  const lines = [
    `signature VALID (CAdES ${result.level}${values.detached === undefined ? ', PAdES' : ''})`,
    `signer: ${result.signer.subject}`,
    `signer certificate: ${result.signer.certSerialHex} (SHA-256 ${result.signer.certSha256})`,
    result.timestamp
      ? `signed before: ${result.timestamp.genTime.toISOString()} (time-stamp by ${result.timestamp.tsa})`
      : `signed at: not proven (no time-stamp${result.claimedSigningTime ? `; claimed ${result.claimedSigningTime.toISOString()}` : ''}); validated as of ${result.validatedAt.toISOString()}`,
    ...(result.title === undefined ? [] : [`title: ${result.title}`]),
    s.status === 'not-checked'
      ? 'certificate status: not checked (--offline)'
      : s.status === 'good'
        ? 'certificate status: good'
        : s.status === 'revoked'
          ? `certificate status: revoked on ${s.at.toISOString()} (${s.reason}), after the signature was made: the signature stays valid`
          : s.status === 'hold'
            ? `certificate status: suspended since ${s.since.toISOString()}, after the signature was made: the signature stays valid`
            : `certificate status: ${s.status}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
