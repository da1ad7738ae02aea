// A readable API reference rendered on the server from the OpenAPI document,
// with no script and no outside assets (the service may run air-gapped), so
// it is served under a CSP without any script at all (docs/decisions.md says
// why no JavaScript renderer is used): operations grouped by tag with a table
// of contents; for each its authentication, parameters (path, query, header),
// request body, responses, and the error codes it can return with their
// retry rule; then the error catalogue with the citizen messages in English
// and Khmer. Everything from the document is escaped.
function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `code` spans in a description become <code>; the rest is escaped text. */
function prose(s: unknown): string {
  return esc(s).replace(/`([^`]{1,200})`/g, '<code>$1</code>');
}

function schemaBlock(title: string, schema: unknown): string {
  return `<details><summary>${title}</summary><pre>${esc(JSON.stringify(schema, null, 2))}</pre></details>`;
}

function operation(path: string, method: string, o: Json): string {
  const params = (o.parameters as Json[] | undefined) ?? [];
  const body = o.requestBody?.content ? Object.entries(o.requestBody.content as Json)[0] : undefined;
  const security = (o.security as Json[] | undefined)?.map((s) => Object.keys(s).join(' + ')) ?? [];
  const codes = (o['x-error-codes'] as Array<{ code: string; status: number; retry?: string }> | undefined) ?? [];
  const responses = Object.entries((o.responses ?? {}) as Json)
    .filter(([s]) => s !== 'default')
    .map(([s, r]) => {
      const schema = Object.values(((r as Json).content ?? {}) as Json)[0]?.schema;
      const ok = Number(s) < 400 && schema !== undefined;
      return `<li><code>${esc(s)}</code> ${prose((r as Json).description)}${ok ? schemaBlock('schema', schema) : ''}</li>`;
    })
    .join('');
  return `<section class="op" id="${esc(o.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code>${o.deprecated ? ' <span class="dep">deprecated</span>' : ''}</h3>
<p class="sum">${prose(o.summary)}</p>${o.description ? `<p>${prose(o.description)}</p>` : ''}
${security.length ? `<p><b>Authentication:</b> ${security.map((s) => `<code>${esc(s)}</code>`).join(' or ')}</p>` : '<p><b>Authentication:</b> none</p>'}
${params.length ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>description</th></tr>${params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? 'yes' : 'no'}</td><td>${prose(p.description ?? '')}</td></tr>`).join('')}</table>` : ''}
${body ? schemaBlock(`Request body <code>${esc(body[0])}</code>`, (body[1] as Json).schema) : ''}
<ul class="res">${responses}</ul>
${codes.length ? `<p><b>Error codes</b>${o['x-error-codes-derived'] ? ' (by status)' : ''}: ${codes.map((c) => `<a href="#code-${esc(c.code)}"><code>${esc(c.code)}</code></a>${c.retry ? `<small> ${esc(c.status)} · ${esc(c.retry)}</small>` : `<small> ${esc(c.status)}</small>`}`).join(', ')}</p>` : ''}
</section>`;
}

export function renderDocsPage(doc: Json): string {
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(methods as Json)) {
      const o = op as Json;
      const tag = String((o.tags as string[] | undefined)?.[0] ?? 'other');
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(path, method, o)]);
      toc.set(tag, [...(toc.get(tag) ?? []), `<li><a href="#${esc(o.operationId)}"><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</a></li>`]);
    }
  }
  const tags = [...byTag.keys()];
  const catalogue = (doc['x-error-catalogue'] ?? {}) as Record<string, { retry: string; citizenMessage: { en: string; km: string } }>;
  const codes = ((doc.components?.schemas?.Problem?.properties?.code?.enum ?? []) as string[]).map((c) => {
    const e = catalogue[c];
    return `<tr id="code-${esc(c)}"><td><code>${esc(c)}</code></td><td>${esc(e?.retry ?? '')}</td><td>${esc(e?.citizenMessage.en ?? '')}</td><td lang="km">${esc(e?.citizenMessage.km ?? '')}</td></tr>`;
  });
  const schemes = Object.entries((doc.components?.securitySchemes ?? {}) as Json)
    .map(([name, s]) => `<li><code>${esc(name)}</code>: ${prose((s as Json).description)}</li>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info?.title)} API ${esc(doc.info?.version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;width:20rem;flex:none;border-right:1px solid #d0d7de;padding:1rem;font-size:13px;box-sizing:border-box}
nav ul{list-style:none;padding:0;margin:0 0 1rem}nav a{color:inherit;text-decoration:none}nav h4{margin:.5rem 0 .25rem;text-transform:capitalize}
main{max-width:62rem;padding:1rem 2rem;min-width:0}section.op{border-top:1px solid #d0d7de;padding:.5rem 0}
code,pre{font-family:ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:12px}
table{border-collapse:collapse;font-size:13px;margin:.5rem 0}td,th{border:1px solid #d0d7de;padding:2px 6px;text-align:left;vertical-align:top}
.m{display:inline-block;min-width:3.6rem;font-size:11px;color:#fff;border-radius:4px;padding:1px 4px;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.delete{background:#cf222e}.put,.patch{background:#9a6700}
.dep{color:#cf222e;font-size:12px}.sum{font-weight:600}small{color:#57606a}h2{text-transform:capitalize}
@media (max-width:50rem){body{display:block}nav{position:static;height:auto;width:auto;border:0}}</style></head>
<body><nav><p><b>${esc(doc.info?.title)}</b> ${esc(doc.info?.version)}</p>
${tags.map((t) => `<h4>${esc(t)}</h4><ul>${(toc.get(t) ?? []).join('')}</ul>`).join('')}
<h4><a href="#errors">Error codes</a></h4></nav>
<main><h1>${esc(doc.info?.title)} <small>${esc(doc.info?.version)}</small></h1>
<p>${prose(doc.info?.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Relying parties: <a href="/.well-known/cardauth-configuration">/.well-known/cardauth-configuration</a>.</p>
${schemes ? `<h2>Authentication</h2><ul>${schemes}</ul>` : ''}
${tags.map((t) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${(byTag.get(t) ?? []).join('\n')}`).join('\n')}
<h2 id="errors">Error codes</h2>
<p>Every error is <code>application/problem+json</code> with one of these <code>code</code> values. <b>retry</b>: <code>no</code> — not as it is; <code>later</code> — the same request after a pause; <code>new-challenge</code> — start over with a new challenge. The messages are what a bank may show the citizen.</p>
<table><tr><th>code</th><th>retry</th><th>citizen message</th><th lang="km">សារសម្រាប់ពលរដ្ឋ</th></tr>${codes.join('')}</table>
</main></body></html>`;
}
