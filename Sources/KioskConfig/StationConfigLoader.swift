import Foundation
import KioskCore

/// A station's whole configuration: `kiosk.yaml` and its catalog.
public struct KioskConfiguration: Sendable {
    /// The config directory it was loaded from.
    public var directory: URL
    /// `kiosk.yaml`.
    public var station: StationConfig
    /// The matters offered.
    public var catalog: Catalog

    /// A configuration from its parts.
    public init(directory: URL, station: StationConfig, catalog: Catalog) {
        self.directory = directory
        self.station = station
        self.catalog = catalog
    }
}

/// Finds and loads a station's configuration directory.
public enum ConfigurationLoader {
    /// The config directory: `explicit` if given, else `./kiosk-config`, else `/etc/bianmin/kiosk`.
    public static func locate(_ explicit: String?) -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let local = URL(fileURLWithPath: "kiosk-config")
        if FileManager.default.fileExists(atPath: local.appendingPathComponent("kiosk.yaml").path) { return local }
        return URL(fileURLWithPath: "/etc/bianmin/kiosk")
    }

    /// Loads `kiosk.yaml` (unless `station` has been read already) and the catalog in
    /// `catalogDirectory` (default: `catalog/` in `directory`), or throws every problem found.
    public static func load(
        directory: URL, station: StationConfig? = nil, catalogDirectory: URL? = nil
    ) throws(ConfigErrors) -> KioskConfiguration {
        let diagnostics = Diagnostics()
        let station = station ?? loadStation(directory: directory, diagnostics: diagnostics)
        let catalog = CatalogLoader.load(
            directory: catalogDirectory ?? directory.appendingPathComponent("catalog"), diagnostics: diagnostics)
        guard diagnostics.issues.isEmpty, let station, let catalog else { throw ConfigErrors(issues: diagnostics.issues) }
        return KioskConfiguration(directory: directory, station: station, catalog: catalog)
    }

    /// Loads only `kiosk.yaml`.
    public static func loadStation(directory: URL) throws(ConfigErrors) -> StationConfig {
        let diagnostics = Diagnostics()
        guard let station = loadStation(directory: directory, diagnostics: diagnostics), diagnostics.issues.isEmpty else {
            throw ConfigErrors(issues: diagnostics.issues)
        }
        return station
    }

    static func loadStation(directory: URL, diagnostics: Diagnostics) -> StationConfig? {
        let url = directory.appendingPathComponent("kiosk.yaml")
        let path = CatalogLoader.displayPath(url)
        guard let text = CatalogLoader.readText(url, diagnostics: diagnostics), let node = diagnostics.compose(text, path: path),
            let r = MappingReader(node, path: path, diagnostics: diagnostics, what: "kiosk.yaml")
        else { return nil }
        r.rejectUnknownKeys(allowed: ["station", "data_dir", "town_center", "printers", "locale", "idle_timeout_seconds", "retention_days", "voice"])
        let before = diagnostics.issues.count

        var station: StationConfig.Station?
        if let node = r.required("station"), let s = MappingReader(node, path: path, diagnostics: diagnostics, what: "'station'") {
            s.rejectUnknownKeys(allowed: ["id", "name", "village", "town", "county", "authority"])
            let id = s.string("id")
            if let id, id.range(of: #"^[A-Z0-9]{2,8}$"#, options: .regularExpression) == nil {
                diagnostics.report(path, s.mark("id"), "station.id '\(id)' must be 2-8 of A-Z 0-9")
            }
            if let id, let name = s.string("name"), let village = s.string("village"), let town = s.string("town"),
                let county = s.string("county"), let authority = s.string("authority")
            {
                station = StationConfig.Station(id: id, name: name, village: village, town: town, county: county, authority: authority)
            }
        }
        let dataDir = r.string("data_dir").map { resolve($0, against: directory) }
        var centerURL: String?
        var centerKey: String?
        if let node = r.required("town_center"), let t = MappingReader(node, path: path, diagnostics: diagnostics, what: "'town_center'") {
            t.rejectUnknownKeys(allowed: ["url", "public_key"])
            centerURL = t.string("url")
            if let url = centerURL, URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                diagnostics.report(path, t.mark("url"), "town_center.url '\(url)' must be an http(s) URL")
            }
            centerKey = t.string("public_key", required: false).map { resolve($0, against: directory) }
        }
        var forms = "bianmin-a4", receipts = "bianmin-receipt"
        if let node = r.optional("printers"), let p = MappingReader(node, path: path, diagnostics: diagnostics, what: "'printers'") {
            p.rejectUnknownKeys(allowed: ["forms", "receipts"])
            forms = p.string("forms", required: false) ?? forms
            receipts = p.string("receipts", required: false) ?? receipts
        }
        var language = KioskLanguage.zhHans
        if let locale = r.string("locale", required: false) {
            if let l = KioskLanguage(rawValue: locale) {
                language = l
            } else {
                diagnostics.report(path, r.mark("locale"), "locale '\(locale)' must be zh-Hans or en")
            }
        }
        let idle = r.int("idle_timeout_seconds", required: false, range: 15...3600) ?? 120
        let retention = r.int("retention_days", required: false, range: 1...3650) ?? 90
        var voice = VoiceSettings()
        if let node = r.optional("voice"), let v = MappingReader(node, path: path, diagnostics: diagnostics, what: "'voice'") {
            v.rejectUnknownKeys(allowed: ["enabled", "volume", "rate", "device"])
            voice.enabled = v.bool("enabled", required: false) ?? voice.enabled
            voice.volume = v.int("volume", required: false, range: 0...200) ?? voice.volume
            voice.rate = v.int("rate", required: false, range: 80...450) ?? voice.rate
            voice.device = v.string("device", required: false) ?? voice.device
        }
        guard diagnostics.issues.count == before, let station, let dataDir, let centerURL else { return nil }
        return StationConfig(
            station: station, dataDirectory: dataDir, townCenterURL: centerURL, centerPublicKeyPath: centerKey,
            formsPrinter: forms, receiptsPrinter: receipts, language: language, idleTimeoutSeconds: idle, retentionDays: retention, voice: voice)
    }

    static func resolve(_ path: String, against directory: URL) -> String {
        path.hasPrefix("/") ? path : directory.appendingPathComponent(path).standardizedFileURL.path
    }
}
