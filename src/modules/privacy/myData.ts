import JSZip from 'jszip'
import type { Services } from '../../services'
import type { Actor } from '../../services/audit'
import * as repo from './repository'

// 下载我的信息 (个人信息保护法 art. 45): everything the instance holds about the signed-in applicant,
// as a ZIP with one JSON file and every file they uploaded, byte for byte. Read in one REPEATABLE READ
// transaction so the JSON and the files agree with each other.

export const MY_DATA_JSON = '我的信息.json'

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'application/pdf': '.pdf',
}

const SECTIONS = {
  account: '账号与个人身份信息（密码只保存不可还原的摘要，不在其中）',
  identity: '实名核验记录和人工审核申请',
  info: '个人信息中心：普通话、学历、学位、学籍、教师资格证书及其使用情况',
  applications: '教师资格认定和定期注册申请，含状态变更和留言',
  wizardDrafts: '尚未提交的报名草稿',
  consents: '同意《用户账号注册协议》的记录（版本、时间、IP地址）',
  activity: '您的操作和登录记录（含他人用您的证件号码尝试登录的记录）',
  recordViews: '教育局工作人员查阅您的信息的记录',
  files: '您上传的照片和材料；文件本身在压缩包的 files 文件夹中',
}

export async function myDataZip(
  services: Services,
  actor: Actor & { id: number },
): Promise<{ zip: Buffer; files: number }> {
  const applicantId = actor.id
  const data = await services.db.transaction(
    async (trx) => {
      const own = await repo.ownRows(trx, applicantId)
      return {
        account: await repo.applicantAccount(trx, applicantId),
        own,
        registrations: await repo.applicationsWithHistory(trx, applicantId, {
          applications: 'registrations',
          history: 'registration_status_history',
          messages: 'registration_messages',
          key: 'registration_id',
        }),
        certifications: await repo.applicationsWithHistory(trx, applicantId, {
          applications: 'certification_applications',
          history: 'certification_status_history',
          messages: 'certification_messages',
          key: 'application_id',
        }),
        activity: await repo.activityOf(trx, applicantId, 100_000),
        recordViews: await repo.recordViewsOf(trx, applicantId, 100_000),
        files: await repo.ownFiles(trx, applicantId),
      }
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  )
  const { own } = data
  const zip = new JSZip()
  const files = data.files.map((f) => {
    const path = `files/${f.id}${EXTENSIONS[f.mime] ?? ''}`
    zip.file(path, f.content, { date: f.created_at })
    return {
      id: f.id,
      kind: f.kind,
      mime: f.mime,
      filename: f.filename,
      size: f.size,
      sha256: f.sha256,
      draft: f.draft,
      created_at: f.created_at,
      path,
    }
  })
  const document = {
    说明: SECTIONS,
    generatedAt: services.clock.now().toISOString(),
    account: data.account,
    identity: { checks: own.identityChecks, reviews: own.identityReviews },
    info: {
      items: own.infoItems,
      studentStatus: own.studentStatus,
      certificates: own.certificates,
      addedCertificates: own.addedCertificates,
      syncs: own.infoSyncs,
      itemUses: own.itemUses,
    },
    applications: { registration: data.registrations, certification: data.certifications },
    wizardDrafts: own.wizardDrafts,
    consents: own.consents,
    activity: data.activity,
    recordViews: data.recordViews,
    files,
  }
  zip.file(MY_DATA_JSON, JSON.stringify(document, null, 2))
  const buffer = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' })
  await services.audit.record(services.db, actor, {
    action: 'applicant.data_export',
    targetType: 'applicant',
    targetId: applicantId,
    detail: { files: files.length, bytes: buffer.length },
  })
  return { zip: buffer, files: files.length }
}
