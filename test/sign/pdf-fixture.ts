// PDFs for the signing tests, written here byte by byte so every offset is
// known: a text document with a classic cross-reference table (what the
// placeholder library handles), and variants the service must refuse — a
// cross-reference stream, an encrypted trailer, an existing form.
export interface PdfOptions {
  readonly text?: string;
  /** Filler bytes in a comment, to reach a size. */
  readonly padTo?: number;
  readonly xref?: 'table' | 'stream';
  readonly encrypted?: boolean;
  readonly acroForm?: boolean;
}

export function makePdf(opts: PdfOptions = {}): Buffer {
  const text = (opts.text ?? 'Loan agreement no. 2026-0042').replace(/[()\\]/g, '');
  const stream = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    `<< /Type /Catalog /Pages 2 0 R${opts.acroForm ? ' /AcroForm << /Fields [] >>' : ''} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n';
  if (opts.padTo !== undefined) {
    const line = `%${'x'.repeat(78)}\n`;
    while (body.length + line.length < opts.padTo) body += line;
  }
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const size = objects.length + 1;
  const xrefAt = Buffer.byteLength(body, 'latin1');
  if (opts.xref === 'stream') {
    // A cross-reference stream (PDF 1.5, ISO 32000-1 §7.5.8), uncompressed, W [1 4 2].
    const rows = [Buffer.from([0, 0, 0, 0, 0, 0xff, 0xff])];
    for (const off of [...offsets, xrefAt]) {
      const r = Buffer.alloc(7);
      r[0] = 1;
      r.writeUInt32BE(off, 1);
      rows.push(r);
    }
    const data = Buffer.concat(rows);
    const head = `${size} 0 obj\n<< /Type /XRef /Size ${size + 1} /W [1 4 2] /Root 1 0 R /Length ${data.length} >>\nstream\n`;
    return Buffer.concat([Buffer.from(body, 'latin1'), Buffer.from(head, 'latin1'), data, Buffer.from(`\nendstream\nendobj\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1')]);
  }
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (const off of offsets) xref += `${String(off).padStart(10, '0')} 00000 n \n`;
  const encrypt = opts.encrypted ? ' /Encrypt << /Filter /Standard /V 1 /R 2 /O (x) /U (y) /P -4 >>' : '';
  xref += `trailer\n<< /Size ${size} /Root 1 0 R${encrypt} /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  return Buffer.from(body + xref, 'latin1');
}
