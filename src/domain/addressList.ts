import { BlockList, isIP } from 'node:net'

// Who may read /metrics (METRICS_ALLOW): addresses and networks in CIDR notation.

/** METRICS_ALLOW when unset: this machine only. */
export const DEFAULT_METRICS_ALLOW = ['127.0.0.0/8', '::1']

/** "10.0.0.0/8" → { address, prefix, family }; undefined when it is no address or network. */
export function parseAllowEntry(
  entry: string,
): { address: string; prefix?: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address, prefix, ...rest] = entry.split('/')
  const version = isIP(address)
  if (!version || rest.length) return undefined
  const family = version === 4 ? 'ipv4' : 'ipv6'
  if (prefix === undefined) return { address, family }
  const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN
  return bits <= (version === 4 ? 32 : 128) ? { address, prefix: bits, family } : undefined
}

/** The allow-list as node's BlockList (entries already checked by loadConfig). */
export function allowList(entries: readonly string[]): BlockList {
  const list = new BlockList()
  for (const entry of entries) {
    const e = parseAllowEntry(entry)
    if (!e) throw new Error(`not an address or network: ${entry}`)
    if (e.prefix === undefined) list.addAddress(e.address, e.family)
    else list.addSubnet(e.address, e.prefix, e.family)
  }
  return list
}

/** Whether `ip` is on the list (an IPv4 client of a server on "::" arrives as ::ffff:a.b.c.d, which BlockList matches to its IPv4 entries). */
export function addressAllowed(list: BlockList, ip: string | undefined): boolean {
  const version = ip ? isIP(ip) : 0
  return version !== 0 && list.check(ip!, version === 4 ? 'ipv4' : 'ipv6')
}
