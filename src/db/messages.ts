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
