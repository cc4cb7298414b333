import ArgumentParser
import Foundation
import KioskConfig
import KioskCore

/// `kiosk catalog`: the matters this station offers.
struct CatalogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Check, list and show the catalog of matters.",
        subcommands: [Check.self, List.self, Show.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Load and check kiosk.yaml and the catalog; one line per problem as path:line:column: message.")
        @OptionGroup var options: KioskOptions

        func run() throws {
            do {
                let configuration = try ConfigurationLoader.load(directory: ConfigurationLoader.locate(options.config))
                print(CatalogSummary(configuration.catalog).line)
            } catch {
                for issue in error.issues { print(issue) }
                print("\(error.issues.count) problem(s) found")
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the matters.")
        @OptionGroup var options: KioskOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let configuration = try options.load()
            let language = configuration.station.language
            if json {
                try printJSON(configuration.catalog.matters.map(MatterSummary.init))
                return
            }
            for m in configuration.catalog.matters {
                let status = m.delegated ? (m.intake == .village ? "" : "  [须到镇中心]") : "  [不予受理]"
                print("\(m.code)  \(m.name.text(language))  \(m.department.rawValue)  \(m.category.rawValue)\(status)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a matter's service guide (办事指南).")
        @OptionGroup var options: KioskOptions
        @Argument(help: "The matter's code.") var code: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let configuration = try options.load()
            let matter = try configuration.matter(code)
            if json {
                try printJSON(MatterGuideJSON(matter))
            } else {
                print(ServiceGuide(matter, language: configuration.station.language).text)
            }
        }
    }
}

/// A matter in `catalog list --json`.
struct MatterSummary: Encodable {
    var code: String
    var name: String
    var name_en: String?
    var department: String
    var category: String
    var delegated: Bool
    var intake: String

    init(_ m: Matter) {
        code = m.code
        name = m.name.zh
        name_en = m.name.en
        department = m.department.rawValue
        category = m.category.rawValue
        delegated = m.delegated
        intake = m.intake.rawValue
    }
}

/// A matter's service guide in `catalog show --json`.
struct MatterGuideJSON: Encodable {
    var summary: MatterSummary
    var guide: [String: [String]]
    var refusal: String?
    var fields: [String]

    init(_ m: Matter) {
        summary = MatterSummary(m)
        let guide = ServiceGuide(m, language: .zhHans)
        self.guide = Dictionary(guide.sections.map { ($0.title, $0.lines) }, uniquingKeysWith: +)
        refusal = m.refusal?.message.zh
        fields = m.form.fields.map(\.id)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try summary.encode(to: encoder)
        try container.encode(guide, forKey: .guide)
        try container.encodeIfPresent(refusal, forKey: .refusal)
        try container.encode(fields, forKey: .fields)
    }

    enum CodingKeys: String, CodingKey { case guide, refusal, fields }
}
