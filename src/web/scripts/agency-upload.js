// The agency console's upload, improved when JavaScript runs (the plain form works without it):
// reserve an upload, send the file with XMLHttpRequest showing how much was sent, poll the
// upload's counts while the server files it batch by batch, then open the upload's page.
// On an upload's page still running, poll the counts until it is done.
'use strict';

(function () {
  var POLL_MS = 700;

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    });
  }

  function showCounts(target, s) {
    ['lines', 'created', 'duplicate', 'rejected'].forEach(function (k) {
      var cell = document.getElementById('upload-' + k);
      if (cell) cell.textContent = String(s[k]);
    });
    if (target) target.textContent = s.lines + ' / ' + s.created + ' / ' + s.duplicate + ' / ' + s.rejected;
  }

  function pollPage(box) {
    var url = box.getAttribute('data-status-url');
    var timer = setInterval(function () {
      getJson(url).then(function (s) {
        showCounts(null, s);
        if (s.status === 'done' || s.status === 'failed') {
          clearInterval(timer);
          window.location.reload(); // the finished page carries the rejects link and any error
        }
      }).catch(function () { clearInterval(timer); });
    }, POLL_MS);
  }

  function upload(form, event) {
    var input = form.querySelector('input[type=file]');
    var file = input && input.files && input.files[0];
    if (!file || !window.FormData || !window.fetch) return; // let the plain form POST do it
    event.preventDefault();
    var token = form.querySelector('input[name=csrf]').value;
    var sending = document.getElementById('upload-sending');
    var bar = document.getElementById('upload-sent');
    var live = document.getElementById('upload-live');
    var button = form.querySelector('button[type=submit]');
    sending.hidden = false;
    button.disabled = true;
    var body = new URLSearchParams({ csrf: token, file_name: file.name });
    fetch('/agency/imports/reservations', { method: 'POST', credentials: 'same-origin', body: body }).then(function (r) {
      if (!r.ok) { form.submit(); throw new Error('reservation refused'); } // the plain POST shows the coded error page
      return r.json();
    }).then(function (reserved) {
      var data = new FormData();
      data.append('csrf', token);
      data.append('file', file);
      var xhr = new XMLHttpRequest();
      var timer = setInterval(function () {
        getJson('/agency/imports/' + reserved.id + '/status.json').then(function (s) { showCounts(live, s); }).catch(function () {});
      }, POLL_MS);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.max = e.total; bar.value = e.loaded; } };
      xhr.onloadend = function () { clearInterval(timer); window.location.assign(reserved.page); };
      xhr.open('POST', '/agency/imports/' + reserved.id + '/file');
      xhr.setRequestHeader('x-csrf-token', token);
      xhr.send(data);
    }).catch(function () { button.disabled = false; });
  }

  var form = document.getElementById('upload-form');
  if (form) form.addEventListener('submit', function (event) { upload(form, event); });
  var box = document.getElementById('upload-status');
  if (box && box.getAttribute('data-status') !== 'done' && box.getAttribute('data-status') !== 'failed') pollPage(box);
})();
