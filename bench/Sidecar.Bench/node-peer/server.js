// Minimal KServe V2 JSON inference server on onnxruntime-node: the benchmark's peer.
// Usage: node server.js MODEL.onnx PORT NAME. Prints "ready" once the session is created.
// Same ORT settings as the sidecar under benchmark (1 intra-op thread, all graph optimisations).
'use strict';
const http = require('http');
const ort = require('onnxruntime-node');

const [modelPath, port, name] = process.argv.slice(2);

function flatten(data) {
  return Array.isArray(data) ? data.flat(Infinity) : [data];
}

async function main() {
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
  });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      try {
        if (req.method !== 'POST' || req.url !== `/v2/models/${name}/infer`) {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'not found' }));
          return;
        }
        const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const feeds = {};
        for (const input of request.inputs) {
          feeds[input.name] = new ort.Tensor('float32', Float32Array.from(flatten(input.data)), input.shape);
        }
        const results = await session.run(feeds);
        const outputs = Object.entries(results).map(([outName, t]) => ({
          name: outName, datatype: 'FP32', shape: t.dims, data: Array.from(t.data),
        }));
        const body = JSON.stringify({ model_name: name, model_version: '1', id: request.id, outputs });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } catch (e) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: String(e && e.message) }));
      }
    });
  });
  server.keepAliveTimeout = 60000;
  server.listen(Number(port), '127.0.0.1', () => console.log('ready'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
