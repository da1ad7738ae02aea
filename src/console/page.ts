// The one HTML document of the console: every page under /console/ is this
// shell, and the bundled script (./ui/main.ts) renders the page its path
// names. No inline script or style, so the Content-Security-Policy can allow
// only this origin's files.
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>cardauth console</title>
<link rel="icon" href="/console/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script type="module" src="/console/assets/console.js"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<div id="app"><noscript><p>The staff console needs JavaScript.</p></noscript></div>
</body>
</html>
`;
