import Foundation
import KioskCore
import SyncProtocol
import TownCenter

/// The inbox's filters as a query string gives them, each parsed into its range.
struct InboxQuery: Sendable, Equatable {
    /// The states a case can be in, in the order the inbox counts them.
    static let states = ["received", "accepted", "needs_more", "rejected", "completed"]

    var state: String?
    var matter: String?
    var department: Department?
    var station: String?
    var channel: SubmissionChannel?
    /// First day received (China Standard Time), inclusive.
    var from: CalendarDate?
    /// Last day received, inclusive.
    var to: CalendarDate?
    var overdue = false
    /// A receipt number or its beginning, or an applicant's name.
    var search: String?
    var page = 1

    /// Parses `parameters`; nil when a value is not one the inbox offers (the page answers 400).
    init?(_ parameters: [String: String], matters: Set<String>) {
        func value(_ name: String) -> String? {
            guard let text = parameters[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        if let text = value("state") {
            guard Self.states.contains(text) else { return nil }
            state = text
        }
        if let text = value("matter") {
            guard matters.contains(text) else { return nil }
            matter = text
        }
        if let text = value("department") {
            guard let department = Department(rawValue: text) else { return nil }
            self.department = department
        }
        if let text = value("station") {
            guard ReceiptNumber.isValidStationCode(text) else { return nil }
            station = text
        }
        if let text = value("channel") {
            guard let channel = SubmissionChannel(rawValue: text) else { return nil }
            self.channel = channel
        }
        for (name, keyPath) in [("from", \InboxQuery.from), ("to", \InboxQuery.to)] {
            guard let text = value(name) else { continue }
            guard let date = CalendarDate(iso: text), (2000...2099).contains(date.year) else { return nil }
            self[keyPath: keyPath] = date
        }
        if let text = value("overdue") {
            guard text == "1" else { return nil }
            overdue = true
        }
        if let text = value("q") {
            guard text.count <= 40 else { return nil }
            search = text
        }
        if let text = value("page") {
            guard text.count <= 6, let number = Int(text), number >= 1 else { return nil }
            page = number
        }
    }

    /// Whether the search names a receipt (ASCII) rather than a person.
    var searchesReceipt: Bool { search.map { $0.allSatisfy(\.isASCII) } ?? false }

    /// The database filter at `now`: `allowed` restricts the matters (to a department's), `mattersOf`
    /// gives a department's matter codes, `tag` a name's search tag (nil when the role may not search
    /// names: a name search then matches nothing).
    func filter(
        now: Int64, allowed: [String]?, mattersOf: (Department) -> [String], tag: (String) -> Data?
    ) -> SubmissionFilter {
        var matters = allowed
        if let department {
            let own = mattersOf(department)
            matters = (matters ?? own).filter(own.contains)
        }
        var filter = SubmissionFilter(
            station: station, matter: matter, state: state, receivedSince: from.map(ChinaTime.startOfDay),
            receivedBefore: to.map { ChinaTime.startOfDay($0.adding(days: 1)) }, matters: matters, channel: channel,
            overdueAt: overdue ? now : nil)
        if let search {
            if searchesReceipt {
                filter.receiptPrefix = search.uppercased()
            } else {
                // A tag no case has when the role may not search names.
                filter.applicantTag = tag(search) ?? Data()
            }
        }
        return filter
    }


    /// The query string of these filters with `page` (or without a page), for links.
    func queryString(page: Int? = nil, state: String?? = .none) -> String {
        var items: [(String, String)] = []
        let state = state ?? self.state
        if let state { items.append(("state", state)) }
        if let matter { items.append(("matter", matter)) }
        if let department { items.append(("department", department.rawValue)) }
        if let station { items.append(("station", station)) }
        if let channel { items.append(("channel", channel.rawValue)) }
        if let from { items.append(("from", from.description)) }
        if let to { items.append(("to", to.description)) }
        if overdue { items.append(("overdue", "1")) }
        if let search { items.append(("q", search)) }
        if let page, page > 1 { items.append(("page", String(page))) }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._")
        return items.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }
}
