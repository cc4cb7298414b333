import Foundation
import KioskConfig
import KioskCore
import Pinyin
import Testing

@testable import KioskUI

/// The package's root folder, found from this file's path.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
