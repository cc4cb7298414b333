/// A station's configuration (`kiosk.yaml`), with paths already resolved against the config directory.
public struct StationConfig: Sendable {
    /// Who and where the station is.
    public struct Station: Sendable {
        /// Station code (2-8 of A-Z 0-9); starts every receipt number.
        public var id: String
        public var name: String
        public var village: String
        public var town: String
        public var county: String
        /// The accepting authority's full name, printed on receipts.
        public var authority: String

        public init(id: String, name: String, village: String, town: String, county: String, authority: String) {
            self.id = id
            self.name = name
            self.village = village
            self.town = town
            self.county = county
            self.authority = authority
        }
    }

    public var station: Station
    /// Where the queue database, station key and spool live.
    public var dataDirectory: String
    public var townCenterURL: String
    /// The town center's public key file, used until the station is enrolled.
    public var centerPublicKeyPath: String?
    /// CUPS destination for A4 application forms.
    public var formsPrinter: String
    /// CUPS destination for 80 mm receipts.
    public var receiptsPrinter: String
    public var language: KioskLanguage
    public var idleTimeoutSeconds: Int
    /// Days after acknowledgement before sealed answers are purged.
    public var retentionDays: Int
    /// Spoken prompts.
    public var voice: VoiceSettings

    public init(
        station: Station, dataDirectory: String, townCenterURL: String, centerPublicKeyPath: String?,
        formsPrinter: String = "bianmin-a4", receiptsPrinter: String = "bianmin-receipt",
        language: KioskLanguage = .zhHans, idleTimeoutSeconds: Int = 120, retentionDays: Int = 90,
        voice: VoiceSettings = VoiceSettings()
    ) {
        self.station = station
        self.dataDirectory = dataDirectory
        self.townCenterURL = townCenterURL
        self.centerPublicKeyPath = centerPublicKeyPath
        self.formsPrinter = formsPrinter
        self.receiptsPrinter = receiptsPrinter
        self.language = language
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.retentionDays = retentionDays
        self.voice = voice
    }
}

/// The kiosk's spoken prompts (`voice:` in kiosk.yaml).
public struct VoiceSettings: Sendable, Hashable {
    /// Whether the kiosk speaks when it starts (a key turns it on and off).
    public var enabled: Bool
    /// Loudness, 0–200 (100 is normal).
    public var volume: Int
    /// Speed in words per minute, 80–450.
    public var rate: Int
    /// The ALSA playback device.
    public var device: String

    public init(enabled: Bool = true, volume: Int = 100, rate: Int = 150, device: String = "default") {
        self.enabled = enabled
        self.volume = volume
        self.rate = rate
        self.device = device
    }
}
