/** One small stylesheet, mobile first, served inline so a slow rural connection needs one request. */
export const baseCss = `
:root{--ink:#1f2a24;--muted:#5b6b62;--line:#d9e2dc;--bg:#f7f5ef;--card:#fff;--brand:#1d6b4f;--brand-ink:#fff;--accent:#b5542a;--warn:#8a5a00;--ok:#1d6b4f;--bad:#a12a2a}
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--ink);background:var(--bg)}
a{color:var(--brand)}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:10}
header.site{background:var(--brand);color:var(--brand-ink)}
header.site .bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;justify-content:space-between;max-width:1120px;margin:0 auto;padding:10px 16px}
header.site a{color:var(--brand-ink);text-decoration:none}header.site .logo{font-weight:700;font-size:1.2rem}
header.site nav{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center}
header.site nav a{padding:4px 0}
.lang a[aria-current="true"]{text-decoration:underline;font-weight:700}
main{max-width:1120px;margin:0 auto;padding:16px}
footer.site{max-width:1120px;margin:24px auto;padding:16px;color:var(--muted);font-size:.9rem;border-top:1px solid var(--line)}
h1{font-size:1.5rem;line-height:1.3;margin:.4em 0}h2{font-size:1.2rem;margin:1.2em 0 .5em}
.muted{color:var(--muted)}.price{font-weight:700;color:var(--accent)}
.grid{display:grid;gap:12px;grid-template-columns:repeat(auto-fill,minmax(160px,1fr))}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px;overflow:hidden}
.card img,.card svg{width:100%;height:auto;display:block;border-radius:6px;aspect-ratio:4/3;object-fit:cover}
.card h3{font-size:1rem;margin:.5em 0 .2em}
.row{display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.stack>*+*{margin-top:8px}
form.inline{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
label{display:block;font-size:.9rem;color:var(--muted)}
input,select,textarea{font:inherit;padding:8px 10px;border:1px solid #9aa9a0;border-radius:6px;background:#fff;color:var(--ink);max-width:100%}
[hidden]{display:none!important}
button,.button{font:inherit;display:inline-block;min-height:44px;padding:8px 16px;border-radius:6px;border:0;background:var(--brand);color:var(--brand-ink);cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--brand);border:1px solid var(--brand)}
button.danger{background:var(--bad)}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.table-wrap{overflow-x:auto}
.badge{display:inline-block;padding:1px 8px;border-radius:999px;background:#e6efe9;color:var(--brand);font-size:.8rem}
.badge.warn{background:#fbefd9;color:var(--warn)}.badge.bad{background:#f7e0e0;color:var(--bad)}
.notice{padding:10px 12px;border-radius:8px;background:#fff8e6;border:1px solid #f0d9a8}
.error{padding:10px 12px;border-radius:8px;background:#fdeeee;border:1px solid #e8b9b9;color:var(--bad)}
.progress{height:12px;background:#e3e8e4;border-radius:999px;overflow:hidden}.progress>span{display:block;height:100%;background:var(--brand)}
.pager{display:flex;gap:12px;margin:16px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
@media print{header.site,footer.site,.no-print{display:none}main{max-width:none;padding:0}body{background:#fff}}
`;
