/// A colour from the 16-colour palette every terminal (kmscon, the Linux console, xterm) supports.
public enum Color: UInt8, Hashable, Sendable, CaseIterable {
    /// The terminal's own foreground or background.
    case `default`
    /// The eight standard colours (SGR 30-37 / 40-47).
    case black, red, green, yellow, blue, magenta, cyan, white
    /// The eight bright colours (SGR 90-97 / 100-107).
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// The SGR parameter selecting this colour as foreground (add 10 for background).
    var foregroundCode: Int {
        switch self {
        case .default: 39
        case .black, .red, .green, .yellow, .blue, .magenta, .cyan, .white: 30 + Int(rawValue) - 1
        default: 90 + Int(rawValue) - 9
        }
    }
}

/// How a cell is drawn.
public struct Style: Hashable, Sendable {
    /// Bold (on the Linux console: bright).
    public var bold: Bool
    /// Foreground and background swapped.
    public var reverse: Bool
    /// Underlined.
    public var underline: Bool
    /// Text colour.
    public var foreground: Color
    /// Background colour.
    public var background: Color

    /// Creates a style; every attribute defaults to off.
    public init(
        bold: Bool = false, reverse: Bool = false, underline: Bool = false,
        foreground: Color = .default, background: Color = .default
    ) {
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
        self.foreground = foreground
        self.background = background
    }

    /// The terminal's default rendition.
    public static let plain = Style()
    /// Bold text.
    public static let bold = Style(bold: true)
    /// Reverse video, for the selected item or a highlighted bar.
    public static let reverse = Style(reverse: true)
    /// Underlined text, for input fields.
    public static let underline = Style(underline: true)

    /// The complete SGR sequence that sets this style from any previous one.
    var sgr: [UInt8] {
        var codes = "0"
        if bold { codes += ";1" }
        if underline { codes += ";4" }
        if reverse { codes += ";7" }
        if foreground != .default { codes += ";\(foreground.foregroundCode)" }
        if background != .default { codes += ";\(background.foregroundCode + 10)" }
        return Array("\u{1B}[\(codes)m".utf8)
    }
}
