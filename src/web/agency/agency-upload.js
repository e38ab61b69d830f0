// The agency console's upload, improved when JavaScript runs (the plain form works without it):
// reserve an upload, send the file with XMLHttpRequest showing how much was sent, poll the
// upload's counts while the server files it batch by batch, then open the upload's page.
// On an upload's page still running, poll the counts until it is done.

// Loaded as a module (type="module": deferred, strict), so these names stay out of the page's globals.

const POLL_MS = 700;

function getJson(url) {
  return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.json();
  });
}

function showCounts(target, s) {
  ['lines', 'created', 'duplicate', 'rejected'].forEach((k) => {
    const cell = document.getElementById(`upload-${k}`);
    if (cell) cell.textContent = String(s[k]);
  });
  if (target) target.textContent = `${s.lines} / ${s.created} / ${s.duplicate} / ${s.rejected}`;
}

function pollPage(box) {
  const url = box.getAttribute('data-status-url');
  const timer = setInterval(() => {
    getJson(url)
      .then((s) => {
        showCounts(null, s);
        if (s.status === 'done' || s.status === 'failed') {
          clearInterval(timer);
          window.location.reload(); // the finished page carries the rejects link and any error
        }
      })
      .catch(() => {
        clearInterval(timer);
      });
  }, POLL_MS);
}

// Sends the file to the reserved upload, showing how much was sent and the counts so far.
function sendFile(reserved, token, file) {
  const bar = document.getElementById('upload-sent');
  const live = document.getElementById('upload-live');
  const data = new FormData();
  data.append('csrf', token);
  data.append('file', file);
  const xhr = new XMLHttpRequest();
  const timer = setInterval(() => {
    getJson(`/agency/imports/${reserved.id}/status.json`)
      .then((s) => {
        showCounts(live, s);
      })
      .catch(() => {});
  }, POLL_MS);
  xhr.upload.onprogress = (e) => {
    if (e.lengthComputable) {
      bar.max = e.total;
      bar.value = e.loaded;
    }
  };
  xhr.onloadend = () => {
    clearInterval(timer);
    window.location.assign(reserved.page);
  };
  xhr.open('POST', `/agency/imports/${reserved.id}/file`);
  xhr.setRequestHeader('x-csrf-token', token);
  xhr.send(data);
}

function upload(form, event) {
  const input = form.querySelector('input[type=file]');
  const file = input?.files?.[0];
  if (!file || !window.FormData || !window.fetch) return; // let the plain form POST do it
  event.preventDefault();
  const token = form.querySelector('input[name=csrf]').value;
  const sending = document.getElementById('upload-sending');
  const button = form.querySelector('button[type=submit]');
  sending.hidden = false;
  button.disabled = true;
  const body = new URLSearchParams({ csrf: token, file_name: file.name });
  fetch('/agency/imports/reservations', { method: 'POST', credentials: 'same-origin', body: body })
    .then((r) => {
      if (!r.ok) {
        form.submit();
        throw new Error('reservation refused');
      } // the plain POST shows the coded error page
      return r.json();
    })
    .then((reserved) => {
      sendFile(reserved, token, file);
    })
    .catch(() => {
      button.disabled = false;
    });
}

const form = document.getElementById('upload-form');
if (form)
  form.addEventListener('submit', (event) => {
    upload(form, event);
  });
const box = document.getElementById('upload-status');
if (box && box.getAttribute('data-status') !== 'done' && box.getAttribute('data-status') !== 'failed') pollPage(box);
