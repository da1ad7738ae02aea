// A readable API reference rendered on the server from the OpenAPI document,
// with no script and no outside assets (the service may run air-gapped).
function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function renderDocsPage(doc: Json): string {
  const ops: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths as Json)) {
    for (const [method, op] of Object.entries(methods as Json)) {
      const o = op as Json;
      const body = o.requestBody?.content ? Object.entries(o.requestBody.content as Json)[0] : undefined;
      const responses = Object.entries((o.responses ?? {}) as Json)
        .map(([s, r]) => `<li><code>${esc(s)}</code> ${esc((r as Json).description)}</li>`)
        .join('');
      ops.push(`<section id="${esc(o.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${esc(o.summary)}</p>${o.description ? `<p>${esc(o.description)}</p>` : ''}
${o.security ? `<p>Auth: <code>${esc(Object.keys(o.security[0] ?? {}).join(', '))}</code></p>` : ''}
${(o.parameters as Json[] | undefined)?.length ? `<p>Parameters: ${(o.parameters as Json[]).map((p) => `<code>${esc(p.name)}</code> (${esc(p.in)})`).join(', ')}</p>` : ''}
${body ? `<details><summary>Request body <code>${esc(body[0])}</code></summary><pre>${esc(JSON.stringify((body[1] as Json).schema, null, 2))}</pre></details>` : ''}
<ul>${responses}</ul></section>`);
    }
  }
  const codes = ((doc.components?.schemas?.Problem?.properties?.code?.enum ?? []) as string[])
    .map((c) => `<code>${esc(c)}</code>`)
    .join(' ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(doc.info?.title)} API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
section{border-top:1px solid #d0d7de;padding:.5rem 0}code,pre{font-family:ui-monospace,monospace}pre{background:#f6f8fa;padding:.5rem;overflow:auto}
.m{display:inline-block;min-width:4.5rem;font-size:12px;color:#fff;border-radius:4px;padding:2px 6px;text-align:center}
.get{background:#0969da}.post{background:#1a7f37}.delete{background:#cf222e}.put,.patch{background:#9a6700}</style></head>
<body><h1>${esc(doc.info?.title)} <small>${esc(doc.info?.version)}</small></h1>
<p>${esc(doc.info?.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2>${ops.join('\n')}
<h2>Error codes</h2><p>Every error is <code>application/problem+json</code> with one of these <code>code</code> values:</p><p>${codes}</p>
</body></html>`;
}
