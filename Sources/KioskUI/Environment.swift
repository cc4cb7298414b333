import Foundation
import KioskCore
import Pinyin

/// What the kiosk's screens need that does not change while it runs.
public struct KioskEnvironment: Sendable {
    /// The station (`kiosk.yaml`).
    public var station: StationConfig
    /// The matters offered.
    public var catalog: Catalog
    /// The kiosk's own words.
    public var strings: UIStrings
    /// Matter search by Chinese text and pinyin.
    public var search: MatterSearch
    /// Pinyin candidates for text fields; nil disables built-in pinyin input.
    public var candidates: (any CandidateSource)?
    /// Seconds without input before everything entered is wiped.
    public var idleTimeout: TimeInterval
    /// Seconds of visible countdown before the wipe.
    public var countdown: TimeInterval

    public init(
        station: StationConfig, catalog: Catalog, strings: UIStrings, search: MatterSearch, candidates: (any CandidateSource)?,
        countdown: TimeInterval = 15
    ) {
        self.station = station
        self.catalog = catalog
        self.strings = strings
        self.search = search
        self.candidates = candidates
        idleTimeout = TimeInterval(max(station.idleTimeoutSeconds, Int(countdown) + 5))
        self.countdown = countdown
    }
}
