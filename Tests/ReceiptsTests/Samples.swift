import Documents

/// Receipt and form contents as the kiosk would fill them.
enum Samples {
    static let receiptNumber = "BM-20261127-0042"
    static let matterName = "农村村民住宅用地(宅基地)审批"
    static let qrText = alphanumericText(length: 250, seed: 2026)

    static func receipt(formNotPrinted: Bool = false) -> ReceiptDocument {
        ReceiptDocument(
            authorityName: "某某县自然资源局(委托某某镇人民政府受理)",
            matterName: matterName,
            receiptNumber: receiptNumber,
            issuedAt: "2026年11月27日 10:42",
            maskedApplicant: "张*三",
            nextSteps: "镇便民服务中心将在3个工作日内审核材料,审核结果以短信通知。",
            timeLimitWorkingDays: 20,
            materialsToBring: ["居民身份证原件", "户口簿原件及复印件1份"],
            statusCheck: "在任一村便民终端扫描本回执二维码,或拨打咨询电话查询。",
            consultationPhone: "0571-12345678",
            appealRights: "如对处理结果不服,可在收到决定之日起60日内向县人民政府申请行政复议,"
                + "或在6个月内向人民法院提起行政诉讼。",
            qrText: qrText,
            formNotPrintedNote: formNotPrinted ? "申请表未能打印,镇便民服务中心将代为打印。" : nil)
    }

    static func memberName(_ index: Int) -> String { "家庭成员\(String(format: "%02d", index))" }

    /// A form whose 60-row repeat table must span several pages.
    static func longForm() -> ApplicationFormDocument {
        ApplicationFormDocument(
            title: "\(matterName)申请表",
            authorityName: "某某县自然资源局",
            receiptNumber: receiptNumber,
            qrText: qrText,
            parts: [
                .section(title: "申请人信息", rows: [
                    .init(label: "姓名", value: "张三"),
                    .init(label: "联系电话", value: "138****5678"),
                    .init(label: "现住址", value: "某某县某某镇某某村五组28号,"
                        + "原宅基地因道路拓宽被征收,现租住在村委会旁的集体用房内,需要申请新的宅基地用于建房。"),
                ]),
                .table(
                    caption: "家庭成员",
                    columns: ["姓名", "与申请人关系", "出生日期", "备注"],
                    rows: (1...60).map { index in
                        [memberName(index), index == 1 ? "配偶" : "子女", "1990-01-\(String(format: "%02d", index % 28 + 1))",
                         index % 10 == 0 ? "在外务工,常年居住在外地,由申请人代为办理相关手续" : ""]
                    }),
            ],
            materials: [
                .init(name: "居民身份证", kind: "原件", checked: true),
                .init(name: "户口簿", kind: "原件及复印件1份", checked: false),
            ],
            assistant: .init(name: "李四", id: "DB-017"))
    }

    static let guideCode = "ZJ-XK-09"

    /// One of the many numbered conditions of the long guide.
    static func condition(_ index: Int) -> String {
        "第\(index)项:申请人及其家庭成员在本村无其他宅基地,且原有住房已按规定拆除或交回村集体。"
    }

    /// A service guide long enough for several pages, with one paragraph taller than a page.
    static func longGuide() -> ServiceGuideDocument {
        ServiceGuideDocument(
            matterName: matterName,
            matterCode: guideCode,
            authorityName: "XX县新河镇人民政府",
            sections: [
                .init(title: "事项编码", paragraphs: [guideCode]),
                .init(title: "实施部门", paragraphs: ["住建局"]),
                .init(title: "办理地点", paragraphs: ["本村便民服务站可以受理(就近办)"]),
                .init(title: "设定依据", paragraphs: (1...14).map {
                    "依据\($0):《中华人民共和国土地管理法》第六十二条,农村村民一户只能拥有一处宅基地,"
                        + "其宅基地的面积不得超过省、自治区、直辖市规定的标准(第\($0)款)。"
                }),
                .init(title: "受理条件", paragraphs: [(1...90).map(condition).joined()]),
                .init(title: "申请材料", paragraphs: (1...12).map { "申请材料\($0):户口簿原件及复印件1份 须带到镇为民服务中心" }),
                .init(title: "承诺时限", paragraphs: ["20个工作日"]),
                .init(title: "收费标准", paragraphs: ["不收费"]),
                .init(title: "咨询电话", paragraphs: ["0000-6130001"]),
                .init(title: "投诉渠道", paragraphs: ["县政务服务中心投诉电话 0000-12345,或拨打12345政务服务便民热线。"]),
            ])
    }
}
