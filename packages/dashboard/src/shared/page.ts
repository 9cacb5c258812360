import { PAGE_SCRIPT } from './page-script.js';

/** Escapes text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `
:root{color-scheme:light dark;--ok:#1a7f37;--bad:#cf222e;--bar:#8fb3e0;--line:#d2691e;font:14px/1.4 system-ui,sans-serif}
body{margin:0;padding:12px;max-width:1100px;margin-inline:auto}
h1{font-size:1.3em;margin:0 0 4px}h2{font-size:1.05em;margin:18px 0 6px}
.meta{color:GrayText;font-size:.9em}
.figures{display:flex;gap:18px;flex-wrap:wrap;margin:8px 0}.figures b{font-size:1.5em;display:block}
svg{width:100%;height:auto;max-height:200px;border:1px solid #8884;border-radius:4px}
.bar{fill:var(--bar)}.ratio{fill:none;stroke:var(--line);stroke-width:2}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.92em}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #8883;white-space:nowrap}
td{max-width:28em;overflow:hidden;text-overflow:ellipsis}
.ok{color:var(--ok)}.bad{color:var(--bad)}.empty{color:GrayText}
form{display:flex;gap:6px;flex-wrap:wrap;align-items:center;margin:4px 0}
input,select,button{font:inherit;padding:4px 6px}input{min-width:12em;flex:1}
td button{padding:0 6px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;max-height:24em;overflow:auto;border:1px solid #8884;border-radius:4px;padding:6px;margin:4px 0}
pre:empty{display:none}
`;

function table(id: string, headings: readonly string[]): string {
  const th = headings.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('');
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody id="${id}"></tbody></table></div>`;
}

const SOURCE_COLUMNS = ['cache', 'name', 'hits', 'stale', 'misses', 'hit ratio', 'loads', 'mean load ms'];

/**
 * The dashboard page: a shell whose tables the script fills. Every dynamic string here is
 * escaped; the script and style carry the response's CSP nonce.
 */
export function renderPage(input: {
  readonly base: string;
  readonly csrf: string;
  readonly nonce: string;
  readonly caches: readonly string[];
  readonly refreshMs: number;
  /** Adds the value lookup (form, hot key buttons, preview); without it the page has none. */
  readonly showValues: boolean;
}): string {
  const base = escapeHtml(input.base);
  const options = input.caches
    .map((c) => `<option value="${escapeHtml(c)}">${escapeHtml(c)}</option>`)
    .join('');
  const csrf = `<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">`;
  const select = `<label>cache <select name="cache">${options}</select></label>`;
  const values = input.showValues
    ? `<form class="action" id="lookup" method="post" action="${base}/value">${csrf}${select}
<input name="key" placeholder="key (as your code passes it)" required aria-label="key to show"><button>Show value</button></form>
<pre id="value" aria-live="polite"></pre>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>tagcache dashboard</title>
<style nonce="${escapeHtml(input.nonce)}">${STYLE}</style></head>
<body><main id="tc" data-base="${base}" data-refresh="${input.refreshMs}"${input.showValues ? ' data-values="1"' : ''}>
<h1>tagcache</h1>
<div class="meta"><span id="live">connecting…</span> · updated <span id="updated">–</span></div>
<div class="figures"><div>hit ratio<b id="ratio">–</b></div><div>reads<b id="reads">–</b></div></div>
<svg id="chart" viewBox="0 0 600 160" role="img" aria-label="hit ratio chart" data-reads="0"></svg>
<div class="meta">bars: reads per interval · line: hit ratio</div>
<h2>Backends</h2>
${table('backends', ['cache', 'backend', 'health', 'circuit', 'probe ms', 'mean call ms', 'timed calls', 'entries', 'size', 'error'])}
<h2>Routes</h2>
${table('routes', SOURCE_COLUMNS)}
<h2>Prisma models</h2>
${table('models', SOURCE_COLUMNS)}
<h2>Other callers</h2>
${table('others', SOURCE_COLUMNS)}
<h2>Last invalidations</h2>
${table('invalidations', ['time', 'cache', 'origin', 'by', 'tags'])}
<h2>CDN purges</h2>
${table('purges', ['time', 'cache', 'purger', 'result', 'tags', 'attempts'])}
<h2>Hot keys <span class="meta">(sampled)</span></h2>
${table('hotkeys', input.showValues ? ['cache', 'key', 'sampled hits', 'value'] : ['cache', 'key', 'sampled hits'])}
<h2>Actions</h2>
<form class="action" method="post" action="${base}/invalidate">${csrf}${select}
<input name="tags" placeholder="tags, comma-separated" required aria-label="tags"><button>Invalidate tags</button></form>
<form class="action" method="post" action="${base}/delete">${csrf}${select}
<input name="key" placeholder="key (as your code passes it)" required aria-label="key"><button>Delete key</button></form>
${values}
<p id="status" role="status"></p>
</main>
<script nonce="${escapeHtml(input.nonce)}">${PAGE_SCRIPT}</script>
</body></html>`;
}
