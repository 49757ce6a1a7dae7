// Static server for the Perfetto UI bundle and the trace: node server.js [port]
const http = require('http'), fs = require('fs'), path = require('path');
const ROOT = __dirname;
const UI = path.join(ROOT, 'pkg/pinpoint/package');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.png': 'image/png', '.woff2': 'font/woff2' };
const port = +(process.argv[2] || 8765);
http.createServer((req, res) => {
  let u = decodeURIComponent(req.url.split('?')[0]);
  let file;
  if (u === '/' || u === '/index.html') file = path.join(ROOT, 'index.html');
  else if (u.startsWith('/perfetto/')) file = path.join(UI, u.slice('/perfetto/'.length));
  else if (u.startsWith('/traces/')) file = path.join(ROOT, u.slice('/traces/'.length));
  else if (u.startsWith('/catapult')) file = path.join(ROOT, u.slice(1));
  if (!file || !file.startsWith(ROOT) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    console.log('404', u); res.writeHead(404); return res.end('not found');
  }
  res.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
  fs.createReadStream(file).pipe(res);
}).listen(port, '127.0.0.1', () => console.log('serving on http://127.0.0.1:' + port));
