import Testing

import KioskCore

@Suite struct CaseWorkflowTests {
    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// National Day 2026: 1–7 Oct off, Sunday 20 Sep and Saturday 10 Oct worked.
    static let calendar = WorkingDayCalendar(schedules: [
        HolidaySchedule(
            year: 2026, holidays: Set((1...7).map { day("2026-10-0\($0)") }),
            workingWeekendDays: [day("2026-09-20"), day("2026-10-10")])
    ])
    static let approver = CaseActor(id: "S01", role: .approver)

    /// One action of each kind, with valid arguments.
    static let actions: [CaseAction] = [
        .requestSupplement(items: ["户口簿复印件"]), .resubmit, .accept, .refuse(reason: "不属本镇受理范围", goTo: "县民政局"),
        .suspend(.inspection, reason: "现场勘察"), .resume, .extend(workingDays: 10, reason: "情况复杂"),
        .sendToCounty(unit: "县民政局"), .decide(approved: true, reasons: ""), .decide(approved: false, reasons: "不符合条件"),
        .deliver(.window, recipient: "李秀英"), .archive(number: "XH-2026-0001"),
    ]

    /// The state each legal (state, action) pair leads to; every other pair is illegal.
    static func legalOutcome(_ state: CaseState, _ action: CaseAction) -> CaseState? {
        switch (state, action) {
        case (.received, .requestSupplement): .needsSupplement
        case (.received, .accept): .accepted
        case (.received, .refuse): .refused
        case (.needsSupplement, .resubmit): .received
        case (.accepted, .suspend), (.inProgress, .suspend): .suspended
        case (.suspended, .resume): .inProgress
        case (.accepted, .extend), (.inProgress, .extend): .inProgress
        case (.withCounty, .extend): .withCounty
        case (.accepted, .sendToCounty), (.inProgress, .sendToCounty): .withCounty
        case (.accepted, .decide(let approved, _)), (.inProgress, .decide(let approved, _)), (.withCounty, .decide(let approved, _)):
            approved ? .approved : .denied
        case (.approved, .deliver), (.denied, .deliver): .delivered
        case (.delivered, .archive), (.refused, .archive): .archived
        default: nil
        }
    }

    /// A case in `state`, received on Wednesday 30 September, with the facts that state implies.
    static func file(in state: CaseState) -> CaseFile {
        var file = CaseFile(department: .civilAffairs, timeLimitDays: 5, receivedOn: day("2026-09-30"))
        file.state = state
        if ![.received, .needsSupplement, .refused].contains(state) { file.acceptedOn = day("2026-09-30") }
        if state == .suspended { file.suspensions = [CaseSuspension(kind: .hearing, reason: "听证", from: day("2026-09-30"))] }
        if [.approved, .denied, .delivered, .archived, .refused].contains(state) { file.decidedOn = day("2026-09-30") }
        return file
    }

    @Test func everyStateAndActionPairIsLegalOrRefused() throws {
        var legal = 0
        for state in CaseState.allCases {
            for action in Self.actions {
                let result = Result { () throws(WorkflowError) in
                    try CaseWorkflow.apply(action, to: Self.file(in: state), by: Self.approver, on: Self.day("2026-09-30"), calendar: Self.calendar)
                }
                switch (Self.legalOutcome(state, action), result) {
                case (let expected?, .success(let (file, _))):
                    #expect(file.state == expected, "\(state) + \(action.name)")
                    legal += 1
                case (nil, .failure(let error)):
                    #expect(error == .illegal(action: action.name, state: state), "\(state) + \(action.name)")
                case (let expected, let outcome):
                    Issue.record("\(state) + \(action.name): expected \(String(describing: expected)), got \(outcome)")
                }
            }
        }
        #expect(legal == 22)
    }

    @Test func noticesFollowTheActsThatNeedThem() throws {
        let (accepted, effects) = try CaseWorkflow.apply(
            .accept, to: Self.file(in: .received), by: Self.approver, on: Self.day("2026-10-08"), calendar: Self.calendar)
        #expect(effects == [.issueNotice(.acceptance)])
        #expect(accepted.acceptedOn == Self.day("2026-10-08"))
        let (_, county) = try CaseWorkflow.apply(
            .sendToCounty(unit: "县民政局"), to: accepted, by: Self.approver, on: Self.day("2026-10-08"), calendar: Self.calendar)
        #expect(county == [.forwardToCounty(unit: "县民政局")])
    }

    @Test func rolesAreChecked() throws {
        let window = CaseActor(id: "W01", role: .window)
        #expect(throws: WorkflowError.notPermitted(action: "extend", role: .window)) {
            try CaseWorkflow.apply(.extend(workingDays: 5, reason: "复杂"), to: Self.file(in: .accepted), by: window, on: Self.day("2026-10-08"), calendar: Self.calendar)
        }
        _ = try CaseWorkflow.apply(.accept, to: Self.file(in: .received), by: window, on: Self.day("2026-10-08"), calendar: Self.calendar)

        let civil = CaseActor(id: "D01", role: .department, department: .civilAffairs)
        let water = CaseActor(id: "D02", role: .department, department: .water)
        let decide = CaseAction.decide(approved: true, reasons: "")
        let (decided, _) = try CaseWorkflow.apply(decide, to: Self.file(in: .withCounty), by: civil, on: Self.day("2026-10-08"), calendar: Self.calendar)
        #expect(decided.state == .approved)
        #expect(throws: WorkflowError.notPermitted(action: "decide", role: .department)) {
            try CaseWorkflow.apply(decide, to: Self.file(in: .withCounty), by: water, on: Self.day("2026-10-08"), calendar: Self.calendar)
        }
        #expect(throws: WorkflowError.notPermitted(action: "decide", role: .department)) {
            try CaseWorkflow.apply(decide, to: Self.file(in: .accepted), by: civil, on: Self.day("2026-10-08"), calendar: Self.calendar)
        }
        for role in [StaffRole.admin, .auditor] {
            for action in Self.actions {
                #expect(throws: WorkflowError.notPermitted(action: action.name, role: role)) {
                    try CaseWorkflow.apply(action, to: Self.file(in: .received), by: CaseActor(id: "X", role: role), on: Self.day("2026-10-08"), calendar: Self.calendar)
                }
            }
        }
    }

    @Test func reasonsItemsAndNumbersAreRequired() {
        let cases: [(CaseState, CaseAction)] = [
            (.received, .requestSupplement(items: [" ", ""])), (.received, .refuse(reason: "", goTo: "县民政局")),
            (.received, .refuse(reason: "超出权限", goTo: " ")), (.accepted, .suspend(.testing, reason: "")),
            (.accepted, .extend(workingDays: 5, reason: "")), (.accepted, .decide(approved: false, reasons: " ")),
            (.approved, .deliver(.post, recipient: "")), (.delivered, .archive(number: "")), (.accepted, .sendToCounty(unit: "")),
        ]
        for (state, action) in cases {
            #expect(throws: WorkflowError.self, "\(state) + \(action.name)") {
                try CaseWorkflow.apply(action, to: Self.file(in: state), by: Self.approver, on: Self.day("2026-10-08"), calendar: Self.calendar)
            }
        }
    }

    @Test func theFiveDayRuleDeemsACaseAcceptedFromItsReceipt() throws {
        let received = Self.file(in: .received)
        // Received Wednesday 30 Sep: day 1 is 8 Oct, day 3 is Saturday 10 Oct, day 5 is 13 Oct.
        #expect(CaseWorkflow.supplementDue(of: received, calendar: Self.calendar)?.date == Self.day("2026-10-13"))
        let window = try #require(CaseWorkflow.deadline(of: received, on: Self.day("2026-10-12"), calendar: Self.calendar))
        #expect(window.kind == .supplementWindow)
        #expect(window.workingDaysLeft == 1)
        #expect(window.light == .yellow)
        _ = try CaseWorkflow.apply(
            .requestSupplement(items: ["户口簿"]), to: received, by: Self.approver, on: Self.day("2026-10-13"), calendar: Self.calendar)

        #expect(throws: WorkflowError.supplementWindowPassed(acceptedOn: Self.day("2026-09-30"))) {
            try CaseWorkflow.apply(.requestSupplement(items: ["户口簿"]), to: received, by: Self.approver, on: Self.day("2026-10-14"), calendar: Self.calendar)
        }
        #expect(throws: WorkflowError.supplementWindowPassed(acceptedOn: Self.day("2026-09-30"))) {
            try CaseWorkflow.apply(.refuse(reason: "超出权限", goTo: "县民政局"), to: received, by: Self.approver, on: Self.day("2026-10-14"), calendar: Self.calendar)
        }
        let late = try #require(CaseWorkflow.deadline(of: received, on: Self.day("2026-10-14"), calendar: Self.calendar))
        #expect(late.kind == .decision)
        #expect(late.acceptedByLaw == Self.day("2026-09-30"))
        #expect(late.due == Self.day("2026-10-13"))
        #expect(late.light == .red)
        let (accepted, _) = try CaseWorkflow.apply(.accept, to: received, by: Self.approver, on: Self.day("2026-10-14"), calendar: Self.calendar)
        #expect(accepted.acceptedOn == Self.day("2026-09-30"))
        #expect(accepted.acceptedByLaw)

        // A resubmission opens a new window from its own day.
        var supplemented = received
        supplemented.state = .needsSupplement
        let (again, _) = try CaseWorkflow.apply(.resubmit, to: supplemented, by: Self.approver, on: Self.day("2026-10-14"), calendar: Self.calendar)
        #expect(CaseWorkflow.supplementDue(of: again, calendar: Self.calendar)?.date == Self.day("2026-10-21"))
    }

    @Test func suspensionsAndTheExtensionMoveTheDueDate() throws {
        var file = Self.file(in: .accepted)  // accepted 30 Sep, 5 working days: due 13 Oct
        func light(on text: String) -> CaseDeadline? { CaseWorkflow.deadline(of: file, on: Self.day(text), calendar: Self.calendar) }
        #expect(light(on: "2026-10-09")?.due == Self.day("2026-10-13"))
        #expect(light(on: "2026-10-09")?.workingDaysLeft == 3)
        #expect(light(on: "2026-10-09")?.light == .green)
        #expect(light(on: "2026-10-10")?.light == .yellow)
        #expect(light(on: "2026-10-14")?.light == .red)
        #expect(light(on: "2026-10-14")?.workingDaysOverdue == 1)

        (file, _) = try CaseWorkflow.apply(.suspend(.inspection, reason: "现场勘察"), to: file, by: Self.approver, on: Self.day("2026-10-08"), calendar: Self.calendar)
        #expect(light(on: "2026-10-09")?.light == .paused)
        (file, _) = try CaseWorkflow.apply(.resume, to: file, by: Self.approver, on: Self.day("2026-10-12"), calendar: Self.calendar)
        // 9, 10 and 12 Oct are not counted: the due date moves three working days, to 16 Oct.
        #expect(light(on: "2026-10-12")?.suspendedWorkingDays == 3)
        #expect(light(on: "2026-10-12")?.due == Self.day("2026-10-16"))

        (file, _) = try CaseWorkflow.apply(.extend(workingDays: 2, reason: "情况复杂"), to: file, by: Self.approver, on: Self.day("2026-10-12"), calendar: Self.calendar)
        #expect(light(on: "2026-10-12")?.due == Self.day("2026-10-20"))
        #expect(throws: WorkflowError.alreadyExtended) {
            try CaseWorkflow.apply(.extend(workingDays: 2, reason: "再次"), to: file, by: Self.approver, on: Self.day("2026-10-12"), calendar: Self.calendar)
        }
        #expect(throws: WorkflowError.backdated(Self.day("2026-10-12"))) {
            try CaseWorkflow.apply(.decide(approved: true, reasons: ""), to: file, by: Self.approver, on: Self.day("2026-10-09"), calendar: Self.calendar)
        }
        (file, _) = try CaseWorkflow.apply(.decide(approved: true, reasons: ""), to: file, by: Self.approver, on: Self.day("2026-10-15"), calendar: Self.calendar)
        let delivery = try #require(light(on: "2026-10-15"))
        #expect(delivery.kind == .delivery)
        #expect(delivery.due == Self.day("2026-10-29"))
        (file, _) = try CaseWorkflow.apply(.deliver(.villageStation, recipient: "李秀英"), to: file, by: Self.approver, on: Self.day("2026-10-16"), calendar: Self.calendar)
        #expect(light(on: "2026-10-16") == nil)
    }

    @Test func anExtensionIsBounded() {
        for days in [0, -1, 31, Int.max] {
            #expect(throws: WorkflowError.extensionOutOfRange(days)) {
                try CaseWorkflow.apply(.extend(workingDays: days, reason: "复杂"), to: Self.file(in: .accepted), by: Self.approver, on: Self.day("2026-10-08"), calendar: Self.calendar)
            }
        }
    }
}

@Suite struct NoticeNumberTests {
    @Test func theStandardPatternPadsTheSequence() {
        #expect(NoticeNumberFormat.standard.format(prefix: "新河便受", year: 2026, sequence: 1) == "新河便受〔2026〕第0001号")
        #expect(NoticeNumberFormat.standard.format(prefix: "新河便受", year: 2026, sequence: 12345) == "新河便受〔2026〕第12345号")
        #expect(NoticeNumberFormat(validating: "{year}-{prefix}-{seq}")?.format(prefix: "SL", year: 2027, sequence: 9) == "2027-SL-9")
    }

    @Test func badPatternsAreRefused() {
        for pattern in ["{prefix}〔{year}〕", "{prefix}{seq:0}", "{prefix}{seq:9}", "{seq", "{name}{seq}", "{seq:x}"] {
            #expect(NoticeNumberFormat(validating: pattern) == nil, "\(pattern)")
        }
    }
}

@Suite struct AvailableActionTests {
    static let day = CalendarDate(year: 2026, month: 11, day: 2)!
    static let calendar = WorkingDayCalendar(schedules: [])

    static func file(_ state: CaseState, extended: Bool = false) -> CaseFile {
        var file = CaseFile(department: .civilAffairs, timeLimitDays: 20, receivedOn: day)
        file.state = state
        if state != .received && state != .needsSupplement { file.acceptedOn = day }
        if [.approved, .denied, .delivered, .refused].contains(state) { file.decidedOn = day }
        if state == .suspended { file.suspensions = [CaseSuspension(kind: .hearing, reason: "听证", from: day)] }
        if extended { file.extensionDays = 5 }
        return file
    }

    @Test("the desk offers exactly the actions the workflow takes, per state and role")
    func perStateAndRole() {
        let window = CaseActor(id: "w", role: .window, department: nil)
        let approver = CaseActor(id: "a", role: .approver, department: nil)
        let mz = CaseActor(id: "m", role: .department, department: .civilAffairs)
        let rs = CaseActor(id: "r", role: .department, department: .humanResources)
        let auditor = CaseActor(id: "c", role: .auditor, department: nil)
        func offered(_ state: CaseState, _ actor: CaseActor, extended: Bool = false) -> [String] {
            CaseWorkflow.availableActions(on: Self.file(state, extended: extended), by: actor, on: Self.day, calendar: Self.calendar)
        }
        #expect(offered(.received, window) == ["request_supplement", "accept", "refuse"])
        #expect(offered(.needsSupplement, window) == ["resubmit"])
        #expect(offered(.accepted, window) == ["suspend", "send_to_county", "decide"])
        #expect(offered(.accepted, approver) == ["suspend", "extend", "send_to_county", "decide"])
        #expect(offered(.inProgress, approver, extended: true) == ["suspend", "send_to_county", "decide"])
        #expect(offered(.suspended, window) == ["resume"])
        #expect(offered(.withCounty, window) == ["decide"])
        #expect(offered(.withCounty, mz) == ["decide"] && offered(.withCounty, rs).isEmpty && offered(.accepted, mz).isEmpty)
        #expect(offered(.approved, window) == ["deliver"] && offered(.refused, window) == ["archive"])
        #expect(offered(.delivered, window) == ["archive"] && offered(.archived, approver).isEmpty)
        #expect(offered(.received, auditor).isEmpty)
        // Past the 5 working days the law deems it accepted: no supplement or refusal any more.
        let late = CalendarDate(year: 2026, month: 11, day: 20)!
        #expect(CaseWorkflow.availableActions(on: Self.file(.received), by: window, on: late, calendar: Self.calendar) == ["accept"])
    }
}
