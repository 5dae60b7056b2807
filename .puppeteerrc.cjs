// No browser download: the app and tests use the system Chromium (/usr/bin/chromium or PUPPETEER_EXECUTABLE_PATH).
module.exports = { skipDownload: true }
