import crypto from 'node:crypto'
import sharp from 'sharp'
import { loadConfig } from '../src/config'
import { runningEmbeddedPostgres } from '../src/db/embedded'
import { createDb } from '../src/db/knex'
import { EMBEDDED_DATABASE } from '../src/db/roles'

// Fills a database for measuring npm run backup / npm run restore (README, 备份与恢复): N (default
// 10,000) applicants, each with a submitted 认定 application and its three files — an ID photo,
// a commitment scan and its crop, JPEGs of noise (as incompressible as photographs; about 20, 130
// and 50 KB, as the app keeps them after downscaling), the same
// three for every application — all made by SQL from one applicant and one application pattern.
//   npx tsx bench/backup-fill.ts [N]   (the running embedded server of ./data, or DATABASE_OWNER_URL)

const noise = (width: number, height: number) =>
  sharp(crypto.randomBytes(width * height * 3), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 80 })
    .toBuffer()

async function main() {
  const n = Number(process.argv[2] ?? 10_000)
  const config = loadConfig()
  const url =
    config.databaseOwnerUrl ??
    config.databaseUrl ??
    runningEmbeddedPostgres(config.dataDir, EMBEDDED_DATABASE)?.adminUrl
  if (!url) throw new Error('start the app (npm start) or set DATABASE_OWNER_URL')
  const db = createDb(url, 1)
  const [photo, scan, crop] = await Promise.all([noise(150, 200), noise(500, 400), noise(300, 250)])
  const run = crypto.randomBytes(3).toString('hex')
  await db.transaction(async (trx) => {
    const point = await trx('confirmation_points').orderBy('id').first('id', 'authority_id')
    await trx.raw(
      `CREATE TEMP TABLE fill ON COMMIT DROP AS
       SELECT i, 'F' || ? || lpad(i::text, 7, '0') AS doc FROM generate_series(1, ?) i`,
      [run, n],
    )
    await trx.raw(
      `INSERT INTO applicants (doc_type, doc_number, name, password_hash, email, phone, sex, identity_status,
         valid_from, created_at, updated_at, version)
       SELECT 'passport', doc, '测试' || i, a.password_hash, 'fill' || i || '@example.com', '139' || lpad(i::text, 8, '0'),
         'F', 'verified', a.valid_from, now(), now(), 1
       FROM fill, (SELECT * FROM applicants ORDER BY id LIMIT 1) a`,
    )
    for (const [kind, content] of [
      ['id_photo', photo],
      ['commitment_scan', scan],
      ['commitment_crop', crop],
    ] as const)
      await trx.raw(
        `INSERT INTO files (id, owner_kind, owner_id, kind, mime, filename, size, sha256, content, draft, created_at)
         SELECT gen_random_uuid(), 'applicant', a.id, ?, 'image/jpeg', ? || '.jpg', ?, ?, ?, false, now()
         FROM fill JOIN applicants a ON a.doc_number = fill.doc`,
        [kind, kind, content.length, crypto.createHash('sha256').update(content).digest('hex'), content],
      )
    await trx.raw(
      `INSERT INTO certification_applications (number, applicant_id, year, authority_id, point_id,
         qualification_type, subject, exam_route, exam_pass_number, status, collection, verify_code,
         data, photo_file_id, commitment_file_id, commitment_crop_file_id, submitted_at, updated_at, version)
       SELECT '2099' || lpad(i::text, 11, '0'), a.id, 2026, ?, ?, '2', '语文', 'national_exam',
         '2026450' || lpad(i::text, 8, '0'), 'pending_confirmation', 'on_site',
         translate(substr(encode(sha256(fill.doc::bytea), 'hex'), 1, 26), '01890', 'abcde'),
         jsonb_build_object('name', a.name, 'employer', '南宁市青秀区滨湖路小学', 'address', '广西南宁市青秀区民族大道100号'),
         (SELECT id FROM files f WHERE f.owner_id = a.id AND f.kind = 'id_photo'),
         (SELECT id FROM files f WHERE f.owner_id = a.id AND f.kind = 'commitment_scan'),
         (SELECT id FROM files f WHERE f.owner_id = a.id AND f.kind = 'commitment_crop'),
         now(), now(), 1
       FROM fill JOIN applicants a ON a.doc_number = fill.doc`,
      [point.authority_id, point.id],
    )
  })
  const { rows } = await db.raw(
    `SELECT (SELECT count(*) FROM certification_applications) AS applications,
       pg_size_pretty(pg_database_size(current_database())) AS size`,
  )
  console.log(`filled ${n}: ${rows[0].applications} applications, database ${rows[0].size}`)
  await db.destroy()
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
