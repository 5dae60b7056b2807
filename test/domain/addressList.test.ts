import {
  addressAllowed,
  allowList,
  DEFAULT_METRICS_ALLOW,
  parseAllowEntry,
} from '../../src/domain/addressList'

describe('METRICS_ALLOW entries', () => {
  it.each([
    ['127.0.0.1', { address: '127.0.0.1', family: 'ipv4' }],
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['0.0.0.0/0', { address: '0.0.0.0', prefix: 0, family: 'ipv4' }],
    ['::1', { address: '::1', family: 'ipv6' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['2001:db8::/128', { address: '2001:db8::', prefix: 128, family: 'ipv6' }],
  ])('takes %s', (entry, parsed) => {
    expect(parseAllowEntry(entry)).toEqual(parsed)
  })

  it.each([
    '',
    'localhost',
    '10.0.0',
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '10.0.0.0/-1',
    '1.2.3.4/08x',
  ])('refuses %j', (entry) => {
    expect(parseAllowEntry(entry)).toBeUndefined()
  })
})

describe('who may read /metrics', () => {
  const cases: [string[], string | undefined, boolean][] = [
    // the default: this machine only, also as an IPv4 client of a server listening on "::"
    [DEFAULT_METRICS_ALLOW, '127.0.0.1', true],
    [DEFAULT_METRICS_ALLOW, '127.8.9.10', true],
    [DEFAULT_METRICS_ALLOW, '::ffff:127.0.0.1', true],
    [DEFAULT_METRICS_ALLOW, '::1', true],
    [DEFAULT_METRICS_ALLOW, '10.0.0.1', false],
    [DEFAULT_METRICS_ALLOW, '::ffff:10.0.0.1', false],
    [DEFAULT_METRICS_ALLOW, '::2', false],
    [DEFAULT_METRICS_ALLOW, undefined, false],
    [DEFAULT_METRICS_ALLOW, 'unknown', false],
    // a monitoring network, and one host
    [['10.20.0.0/16', '192.168.1.7'], '10.20.255.1', true],
    [['10.20.0.0/16', '192.168.1.7'], '10.21.0.1', false],
    [['10.20.0.0/16', '192.168.1.7'], '192.168.1.7', true],
    [['10.20.0.0/16', '192.168.1.7'], '192.168.1.8', false],
    [['10.20.0.0/16', '192.168.1.7'], '127.0.0.1', false],
    [['fd00::/8'], 'fd12:3456::1', true],
    [['fd00::/8'], 'fe80::1', false],
  ]
  it.each(cases)('%j lets %s in: %s', (entries, ip, allowed) => {
    expect(addressAllowed(allowList(entries), ip)).toBe(allowed)
  })
})
