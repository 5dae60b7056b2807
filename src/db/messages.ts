// What starting the database says on the console (operators read Chinese; the audit warning also
// carries English for whoever reads the log of a bureau's server).
export const MESSAGES = {
  orphanStopped: (pid: number) =>
    `发现上次未正常关闭的内嵌 PostgreSQL（进程 ${pid}），已将其安全停止后重新启动。`,
  orphanKilled: (pid: number) =>
    `发现上次未正常关闭的内嵌 PostgreSQL（进程 ${pid}），它未在限定时间内停止，已强制结束后重新启动。`,
  stalePidFile: (pid: number) =>
    `内嵌 PostgreSQL 上次未正常关闭（进程 ${pid} 已不在运行），已清除遗留的 postmaster.pid 后重新启动。`,
  dataDirInUse: (dir: string, pid: number, parent: number) =>
    `数据目录 ${dir} 正由运行中的内嵌 PostgreSQL（进程 ${pid}，由进程 ${parent} 启动）使用：` +
    `本系统的另一个实例可能正在运行，请先停止它。`,
  auditUnprotected: (role: string) =>
    `警告：应用以数据库角色 "${role}" 连接，它可以修改、删除审计日志或关闭其保护（超级用户、表的所有者，` +
    `或对 audit_log 有 UPDATE/DELETE/TRUNCATE 权限）。请按 README“数据库角色”一节为应用另建角色，` +
    `用 DATABASE_URL 连接应用、DATABASE_OWNER_URL 连接所有者。\n` +
    `WARNING: the app connects as database role "${role}", which can change or delete audit log entries ` +
    `or switch their protection off (superuser, table owner, or UPDATE/DELETE/TRUNCATE on audit_log). ` +
    `Give the app a role of its own (README, 数据库角色): DATABASE_URL for the app, DATABASE_OWNER_URL for the owner.`,
  startFailed: (output: string) => `内嵌 PostgreSQL 未能启动。服务器的输出：\n${output || '（无输出）'}`,
} as const

// What npm run backup / npm run restore say.
export const BACKUP_MESSAGES = {
  backupDone: (file: string, size: string, seconds: string, tables: number, rows: number) =>
    `备份完成：${file}，${size}，用时 ${seconds} 秒（${tables} 个表，${rows} 行）`,
  restoreDone: (database: string, size: string, seconds: string, tables: number, rows: number) =>
    `恢复完成：数据库 ${database}，备份文件 ${size}，用时 ${seconds} 秒（${tables} 个表，${rows} 行，已逐表核对行数）`,
  notABackup: (file: string) => `${file} 不是本系统的备份文件（npm run backup 生成）`,
  truncated: '备份文件不完整（在中途结束），无法恢复',
  newerThanCode: (migration: string) =>
    `该备份来自更新版本的系统（迁移 ${migration} 不在本版本中）：请先升级本系统再恢复`,
  notEmpty: (database: string) =>
    `数据库 ${database} 不是空的：恢复不会覆盖已有数据。请用 --into <新数据库名> 恢复到新数据库，` +
    `或确认要清空它后加 --force（先停止使用该数据库的应用）`,
  countMismatch: (table: string, expected: number, found: number) =>
    `表 ${table} 的行数与备份不符（备份 ${expected} 行，恢复后 ${found} 行）：恢复已撤销`,
  cannotCreate: (database: string, owner: string, reason: string) =>
    `无法建立数据库 ${database}（${reason}）。请由数据库管理员执行 CREATE DATABASE ${database} OWNER ${owner}; 后再恢复`,
  appRunning: (dir: string) =>
    `内嵌 PostgreSQL（${dir}）正由运行中的本系统使用：恢复前请先停止应用（备份可在运行时进行）`,
  usage:
    '用法：npm run backup -- [文件]（默认 ./backups/jszg-年月日-时分秒.dump）；' +
    'npm run restore -- <文件> [--into <数据库>] [--force]',
} as const
