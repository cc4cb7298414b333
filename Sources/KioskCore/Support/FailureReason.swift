/// Why something a resident or an assistant asked for did not happen, as the adapters report it.
/// The screens (and the `kiosk` commands) put each reason into words from the string tables
/// (`failure.<raw value>`), in every language the kiosk speaks.
public enum FailureReason: String, Sendable, Hashable, CaseIterable {
    // The station's own storage.
    /// The disk is full; nothing was saved.
    case diskFull
    /// The day's receipt numbers are used up.
    case receiptNumbersUsedUp
    /// The database failed otherwise.
    case storeFailed
    // Taking an application.
    /// The matter is not in the catalog.
    case unknownMatter
    /// The answers do not satisfy the form.
    case answersInvalid
    /// The station is not set up to take applications (not initialised, no center key, a key problem).
    case stationNotReady
    // Printing.
    /// No printer can be reached; the document waits in the spool folder.
    case printerUnavailable
    /// The printer is out of paper.
    case printerOutOfPaper
    /// Paper is jammed.
    case printerJammed
    /// A cover or door is open.
    case printerCoverOpen
    /// The printer is not connected.
    case printerOffline
    /// The print queue is paused.
    case printerPaused
    /// Toner or ribbon is used up.
    case printerOutOfToner
    /// The queue does not accept jobs.
    case printerNotAccepting
    /// Another printer fault.
    case printerFault
    /// The print service (CUPS) is not running.
    case printServiceDown
    /// The configured printer does not exist.
    case printerNotFound
    /// The job did not finish (refused, aborted, or the document could not be made).
    case printNotFinished
    /// The job took too long and was cancelled.
    case printTimedOut
    // The town center.
    /// The center cannot be reached.
    case centerUnreachable
    /// The station's clock is too far from the center's.
    case stationClockWrong
    /// The center refused the request.
    case centerRefused
    /// The station is not enrolled at a center.
    case notEnrolled
    /// The enrolling center did not prove who it is.
    case centerUnproven
    /// A new catalog was not applied.
    case catalogNotUpdated
    // USB transfer.
    /// The stick is full.
    case usbFull
    /// The stick is missing or was removed.
    case usbMissing
    /// Reading or writing the stick failed.
    case usbError
    /// A bundle on the stick was refused (foreign, altered, truncated).
    case usbBundleRefused
    /// The stick holds no answers from the center.
    case usbNoAnswers

    /// The string-table key of the reason's words.
    public var key: String { "failure." + rawValue }
}
