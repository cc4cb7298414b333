import KioskCore

/// Counts of a catalog's matters per category, as `catalog check` prints them.
public struct CatalogSummary: Sendable {
    public var catalog: Catalog

    public init(_ catalog: Catalog) { self.catalog = catalog }

    /// `catalog 2026.11.1: 31 delegated (公共服务 10, …), 4 not delegated`.
    public var line: String {
        let delegated = catalog.matters.filter(\.delegated)
        let counts = MatterCategory.allCases.map { "\($0.rawValue) \(catalog.delegatedCount(by: $0))" }.joined(separator: ", ")
        let departments = Set(delegated.map(\.department)).count
        let keywords = catalog.matters.reduce(0) { $0 + $1.keywords.count }
        let withKeywords = catalog.matters.filter { !$0.keywords.isEmpty }.count
        return "catalog \(catalog.version): \(delegated.count) delegated matters from \(departments) departments (\(counts)), \(catalog.matters.count - delegated.count) not delegated; \(keywords) search keywords on \(withKeywords) matters"
    }
}
