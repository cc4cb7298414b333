import Foundation
import KioskCore
import Yams

/// Loads `catalog/catalog.yaml` and `catalog/matters/*.yaml` into a checked `Catalog`.
public enum CatalogLoader {
    /// Loads the catalog in `directory` (the `catalog/` folder), or throws every problem found.
    public static func load(directory: URL) throws(ConfigErrors) -> Catalog {
        let diagnostics = Diagnostics()
        let catalog = load(directory: directory, diagnostics: diagnostics)
        guard diagnostics.issues.isEmpty, let catalog else { throw ConfigErrors(issues: diagnostics.issues) }
        return catalog
    }

    static func load(directory: URL, diagnostics: Diagnostics) -> Catalog? {
        let headerURL = directory.appendingPathComponent("catalog.yaml")
        let headerPath = displayPath(headerURL)
        var version = "", county = ""
        if let text = readText(headerURL, diagnostics: diagnostics), let node = diagnostics.compose(text, path: headerPath),
            let reader = MappingReader(node, path: headerPath, diagnostics: diagnostics, what: "catalog.yaml")
        {
            reader.rejectUnknownKeys(allowed: ["version", "county"])
            version = reader.string("version") ?? ""
            county = reader.string("county") ?? ""
        }

        let mattersURL = directory.appendingPathComponent("matters")
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: mattersURL, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "yaml" || $0.pathExtension == "yml" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            diagnostics.report(displayPath(mattersURL), nil, "cannot list the matters folder: \(error.localizedDescription)")
            return nil
        }
        var matters: [Matter] = []
        var firstSeen: [String: String] = [:]
        for file in files {
            let path = displayPath(file)
            guard let text = readText(file, diagnostics: diagnostics), let node = diagnostics.compose(text, path: path) else { continue }
            let codeNode = node["code"]
            if let code = codeNode?.string {
                if let other = firstSeen[code] {
                    diagnostics.report(path, codeNode?.mark, "duplicate matter code '\(code)' (also in \(other))")
                    continue
                }
                firstSeen[code] = "\(path):\(codeNode?.mark?.line ?? 1)"
                if file.deletingPathExtension().lastPathComponent != code {
                    diagnostics.report(path, codeNode?.mark, "the file of matter '\(code)' must be named \(code).yaml")
                }
            }
            guard let matter = MatterReader(path: path, diagnostics: diagnostics).matter(node) else { continue }
            matters.append(matter)
        }
        if files.isEmpty { diagnostics.report(displayPath(mattersURL), nil, "no matters (*.yaml) found") }
        return Catalog(version: version, county: county, matters: matters)
    }

    static func readText(_ url: URL, diagnostics: Diagnostics) -> String? {
        do {
            return try String(contentsOf: url, encoding: .utf8)
        } catch {
            diagnostics.report(displayPath(url), nil, "cannot read the file: \((error as NSError).localizedDescription)")
            return nil
        }
    }

    /// A path as the user typed it where possible (relative to the working directory).
    static func displayPath(_ url: URL) -> String {
        let cwd = FileManager.default.currentDirectoryPath + "/"
        let full = url.standardizedFileURL.path
        return full.hasPrefix(cwd) ? String(full.dropFirst(cwd.count)) : full
    }
}

/// Reads one matter file.
struct MatterReader {
    let path: String
    let diagnostics: Diagnostics

    static let keys = [
        "code", "name", "department", "category", "delegated", "intake", "refer_to", "completing_unit",
        "legal_basis", "conditions", "materials", "time_limit_days", "fee", "visits", "delivery", "phone",
        "complaint", "signature", "form", "keywords", "retention_years",
    ]

    func matter(_ node: Node) -> Matter? {
        guard let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "a matter") else { return nil }
        r.rejectUnknownKeys(allowed: MatterReader.keys)
        let before = diagnostics.issues.count
        let code = r.string("code")
        if let code, code.range(of: #"^[A-Z0-9][A-Z0-9-]{1,15}$"#, options: .regularExpression) == nil {
            diagnostics.report(path, r.mark("code"), "code '\(code)' must be 2-16 of A-Z 0-9 and '-'")
        }
        let name = localized(r, "name", needsEnglish: true)
        let department = enumValue(r, "department", Department.self)
        let category = enumValue(r, "category", MatterCategory.self)
        let delegated = r.bool("delegated")
        let intake = enumValue(r, "intake", Intake.self)
        let referTo = localized(r, "refer_to", required: false)
        if referTo == nil, delegated == false || intake == .town {
            diagnostics.report(path, r.node.mark, "missing required key 'refer_to' (where to go instead) for a matter the village cannot take")
        }
        let completingUnit = localized(r, "completing_unit")
        let legalBasis = texts(r, "legal_basis")
        let conditions = texts(r, "conditions")
        let materials = (r.sequence("materials") ?? []).compactMap(material)
        let timeLimit = r.int("time_limit_days", range: 0...365)
        let fee = localized(r, "fee")
        let visits = r.int("visits", range: 0...10)
        let delivery = localized(r, "delivery")
        let phone = r.string("phone")
        let complaint = localized(r, "complaint")
        let signature = r.bool("signature", required: false) ?? false
        let form = r.required("form").flatMap { FormReader(path: path, diagnostics: diagnostics).form($0) }
        let keywords = self.keywords(r)
        let retention = r.optional("retention_years") == nil ? Matter.defaultRetentionYears : r.int("retention_years", required: false, range: 0...100)
        guard diagnostics.issues.count == before, let code, let name, let department, let category, let delegated,
            let intake, let completingUnit, let timeLimit, let fee, let visits, let delivery, let phone, let complaint, let form,
            let retention
        else { return nil }
        return Matter(
            code: code, name: name, department: department, category: category, delegated: delegated, intake: intake,
            referTo: referTo, completingUnit: completingUnit, legalBasis: legalBasis, conditions: conditions,
            materials: materials, timeLimitDays: timeLimit, fee: fee, visits: visits, delivery: delivery, phone: phone,
            complaint: complaint, needsSignature: signature, form: form, keywords: keywords, retentionYears: retention)
    }

    /// `keywords`: everyday Chinese words for the matter, each 1-12 characters, none twice.
    func keywords(_ r: MappingReader) -> [String] {
        var keywords: [String] = []
        for node in r.sequence("keywords", required: false) ?? [] {
            guard let word = r.scalarString(node, key: "keywords") else { continue }
            if word.count > 12 || word.contains(where: { $0.isWhitespace }) {
                diagnostics.report(path, node.mark, "keyword '\(word)' must be one word of at most 12 characters")
            } else if keywords.contains(word) {
                diagnostics.report(path, node.mark, "keyword '\(word)' is listed twice")
            } else {
                keywords.append(word)
            }
        }
        return keywords
    }

    func enumValue<E: RawRepresentable & CaseIterable>(_ r: MappingReader, _ key: String, _: E.Type) -> E? where E.RawValue == String {
        guard let text = r.string(key) else { return nil }
        guard let value = E(rawValue: text) else {
            diagnostics.report(path, r.mark(key), "\(key) '\(text)' is not one of: \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    func localized(_ r: MappingReader, _ key: String, required: Bool = true, needsEnglish: Bool = false) -> LocalizedText? {
        guard let node = required ? r.required(key) : r.optional(key) else { return nil }
        return LocalizedReader.read(node, key: key, path: path, diagnostics: diagnostics, needsEnglish: needsEnglish)
    }

    func texts(_ r: MappingReader, _ key: String) -> [LocalizedText] {
        (r.sequence(key) ?? []).compactMap { LocalizedReader.read($0, key: key, path: path, diagnostics: diagnostics) }
    }

    func material(_ node: Node) -> Material? {
        guard let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "a material") else { return nil }
        r.rejectUnknownKeys(allowed: ["name", "kind", "copies", "note", "bring"])
        let name = localized(r, "name")
        let kind = enumValue(r, "kind", Material.Kind.self)
        let copies = r.int("copies", required: false, range: 1...20) ?? 1
        let note = localized(r, "note", required: false)
        let bring = r.bool("bring", required: false) ?? false
        guard let name, let kind else { return nil }
        return Material(name: name, kind: kind, copies: copies, note: note, bring: bring)
    }
}

/// Reads localized text: a plain string (Chinese) or `{zh, en}`.
enum LocalizedReader {
    static func read(_ node: Node, key: String, path: String, diagnostics: Diagnostics, needsEnglish: Bool = false) -> LocalizedText? {
        switch node {
        case .scalar(let scalar) where !scalar.string.isEmpty:
            if needsEnglish {
                diagnostics.report(path, node.mark, "'\(key)' needs both zh and en, e.g. {zh: …, en: …}")
                return nil
            }
            return LocalizedText(zh: scalar.string)
        case .mapping:
            guard let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "'\(key)'") else { return nil }
            r.rejectUnknownKeys(allowed: ["zh", "en"])
            let zh = r.string("zh")
            let en = r.string("en", required: needsEnglish)
            return zh.map { LocalizedText(zh: $0, en: en) }
        default:
            diagnostics.report(path, node.mark, "'\(key)' must be text or {zh: …, en: …}")
            return nil
        }
    }
}
