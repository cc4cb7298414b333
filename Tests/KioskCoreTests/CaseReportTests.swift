import Testing

import KioskCore

@Suite struct CaseReportTests {
    static func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// The 2026 National Day schedule: Oct 1–7 off, Saturday Oct 10 worked.
    static let nationalDay = WorkingDayCalendar(schedules: [
        HolidaySchedule(
            year: 2026, holidays: Set((1...7).map { day("2026-10-0\($0)") }), workingWeekendDays: [day("2026-10-10")])
    ])

    static func decided(accepted: String, decided: String, limit: Int, suspensions: [CaseSuspension] = [], extension days: Int? = nil) -> CaseFile {
        var file = CaseFile(department: .civilAffairs, timeLimitDays: limit, receivedOn: day(accepted))
        file.state = .approved
        file.acceptedOn = day(accepted)
        file.decidedOn = day(decided)
        file.suspensions = suspensions
        file.extensionDays = days
        return file
    }

    @Test("working days to decision count across the National Day holiday and its worked Saturday")
    func timingAcrossNationalDay() throws {
        // After Sep 30 through Oct 13: Oct 8, 9, 10 (a worked Saturday), 12 and 13.
        let timing = try #require(CaseWorkflow.decisionTiming(of: Self.decided(accepted: "2026-09-30", decided: "2026-10-13", limit: 5), calendar: Self.nationalDay))
        #expect(timing.workingDays == 5)
        #expect(timing.onTime)
        #expect(timing.estimatedYears.isEmpty)
        let late = try #require(CaseWorkflow.decisionTiming(of: Self.decided(accepted: "2026-09-30", decided: "2026-10-14", limit: 5), calendar: Self.nationalDay))
        #expect(late.workingDays == 6)
        #expect(!late.onTime)
        let extended = try #require(CaseWorkflow.decisionTiming(
            of: Self.decided(accepted: "2026-09-30", decided: "2026-10-14", limit: 5, extension: 1), calendar: Self.nationalDay))
        #expect(extended.onTime)
    }

    @Test("suspended working days are not counted; a case with no acceptance day has no timing; a missing year is an estimate")
    func suspensionsAndUnknowns() throws {
        // Accepted Mon Nov 2, decided Fri Nov 13: 9 working days; suspended after Nov 4 through Nov 6 (Thu, Fri): 7.
        let suspension = CaseSuspension(kind: .inspection, reason: "现场勘察", from: Self.day("2026-11-04"), to: Self.day("2026-11-06"))
        let timing = try #require(CaseWorkflow.decisionTiming(
            of: Self.decided(accepted: "2026-11-02", decided: "2026-11-13", limit: 7, suspensions: [suspension]), calendar: Self.nationalDay))
        #expect(timing.workingDays == 7)
        #expect(timing.onTime)
        var file = Self.decided(accepted: "2026-11-02", decided: "2026-11-13", limit: 7)
        file.acceptedOn = nil
        #expect(CaseWorkflow.decisionTiming(of: file, calendar: Self.nationalDay) == nil)
        let estimate = try #require(CaseWorkflow.decisionTiming(of: Self.decided(accepted: "2027-03-01", decided: "2027-03-05", limit: 5), calendar: Self.nationalDay))
        #expect(estimate.workingDays == 4)
        #expect(estimate.estimatedYears == [2027])
    }

    @Test("figures per line and in total, checked by hand: counts, supplement and on-time rates, mean and 90th percentile")
    func compile() throws {
        func group(
            _ matter: String, _ station: String, _ channel: String, _ state: CaseState, supplemented: Bool = false,
            outcome: CaseOutcome? = nil, days: Int? = nil, onTime: Bool? = nil, _ count: Int
        ) -> CaseFactGroup {
            CaseFactGroup(
                matter: matter, department: matter.hasPrefix("MZ") ? .civilAffairs : .humanResources, station: station, channel: channel,
                state: state, supplemented: supplemented, outcome: outcome, workingDays: days, onTime: onTime, count: count)
        }
        let groups = [
            group("MZ-GG-01", "XH03", "self", .received, 3),
            group("MZ-GG-01", "XH03", "assisted", .needsSupplement, supplemented: true, 1),
            group("MZ-GG-01", "XH03", "self", .approved, supplemented: true, outcome: .approved, days: 2, onTime: true, 4),
            group("MZ-GG-01", "LSW1", "self", .delivered, outcome: .approved, days: 8, onTime: false, 1),
            group("MZ-GG-01", "LSW1", "self", .archived, outcome: .refused, 2),
            group("RS-GG-01", "LSW1", "assisted", .denied, outcome: .denied, days: 5, onTime: true, 2),
            group("RS-GG-01", "LSW1", "assisted", .withCounty, 1),
            group("RS-GG-01", "XH03", "self", .approved, outcome: .approved, 1),  // decided before timings were kept
        ]
        var builder = CaseReport.Builder(from: Self.day("2026-10-01"), through: Self.day("2026-10-31"))
        for group in groups { builder.add(group) }
        let report = builder.report
        let total = report.total
        #expect([total.received, total.accepted, total.refused, total.approved, total.denied, total.supplemented] == [15, 9, 2, 6, 2, 5])
        #expect(total.timed == 7 && total.onTime == 6)
        #expect(total.onTimeRate == 6.0 / 7.0)
        #expect(total.supplementRate == 5.0 / 15.0)
        // (4×2 + 8 + 2×5) / 7 = 26 / 7; the 90th percentile of seven is the 7th value: 8.
        #expect(total.averageWorkingDays == 26.0 / 7.0)
        #expect(total.workingDaysP90 == 8)
        let stations = report.lines[ReportDimension.station] ?? []
        #expect(stations.map { $0.key } == ["LSW1", "XH03"])
        #expect(stations[0].figures.received == 6 && stations[0].figures.refused == 2 && stations[0].figures.accepted == 4)
        #expect(stations[0].figures.workingDaysP90 == 8)
        let departments = report.lines[ReportDimension.department] ?? []
        #expect(departments.map { $0.key } == ["人社局", "民政局"])
        #expect(departments[0].figures.onTimeRate == 1.0)
        #expect(departments[1].figures.onTimeRate == 4.0 / 5.0)
        let channels = report.lines[ReportDimension.channel] ?? []
        #expect(channels.map { "\($0.key)=\($0.figures.received)" } == ["assisted=4", "self=11"])
        #expect(ReportFigures().onTimeRate == nil && ReportFigures().workingDaysP90 == nil && ReportFigures().supplementRate == nil)
    }
}
