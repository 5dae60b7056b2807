import http from 'node:http'
import { ConfigError, configWarnings, loadConfig } from './config'
import { prepareDatabase } from './db/prepare'
import { buildServices, closeServices } from './services'
import { createApp } from './app'
import { startOutboxSender } from './services/outboxSender'
import { startMaintenance } from './services/maintenance'
import { startRegistryWorker } from './modules/registries/service'
import { DEMO_LOGINS } from '../seeds/data/demoLogins'

async function main() {
  const log = (line: string) => process.stdout.write(`${line}\n`)
  const loaded = loadConfig()
  for (const warning of configWarnings(loaded)) process.stderr.write(`配置警告：${warning}\n`)
  const { config, embedded } = await prepareDatabase(loaded, { seedDemo: loaded.seedDemo, log })
  const services = buildServices(config)
  const app = createApp(services)
  const server = http.createServer(app)
  const sender = startOutboxSender(services)
  const maintenance = startMaintenance(services)
  await startRegistryWorker(services)
  server.listen(config.port, config.host, () => {
    log(`教师资格网上申报系统 listening on ${config.publicUrl}`)
    if (config.env !== 'production') {
      log('demo logins (password for all: Demo#2026):')
      for (const l of DEMO_LOGINS) log(`  ${l.role.padEnd(10)} ${l.entrance.padEnd(14)} ${l.login}`)
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
    maintenance.stop()
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

main().catch((err) => {
  process.stderr.write(`${err instanceof ConfigError ? err.message : (err?.stack ?? err)}\n`)
  process.exit(1)
})
