import CPangoCairo
import Foundation
import QRCode

/// Why a document could not be rendered.
public enum DocumentError: Error, Equatable, CustomStringConvertible {
    /// The QR text does not fit the allowed symbol.
    case qrCode(QRCodeError)
    /// cairo reported an error status.
    case cairo(String)

    public var description: String {
        switch self {
        case let .qrCode(error): "QR code: \(error)"
        case let .cairo(status): "cairo: \(status)"
        }
    }
}

/// The documents' font: Bianmin Sans (Noto Sans CJK SC's Unified Ideographs, GB 2312's symbols and
/// the catalog's characters, as TrueType; `scripts/build-document-fonts.py`), then the full Noto
/// Sans CJK SC (fonts-noto-cjk) for any other character (such as those of Extension A).
let fontFamily = "\(intactFamily),Noto Sans CJK SC"

/// The family whose glyphs cairo embeds intact.
let intactFamily = "Bianmin Sans"

/// Collects what cairo writes to a stream.
final class DataSink {
    var data = Data()

    /// A cairo write callback appending to the `DataSink` passed as closure data.
    static let write: cairo_write_func_t = { closure, bytes, length in
        guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
        Unmanaged<DataSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: Int(length))
        return CAIRO_STATUS_SUCCESS
    }

    var closure: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

func check(surface: OpaquePointer) throws(DocumentError) {
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
}

/// A PDF surface writing into memory, with its drawing context.
final class PDFCanvas {
    let sink = DataSink()
    let surface: OpaquePointer
    let cr: OpaquePointer

    init(width: Double, height: Double, title: String) throws(DocumentError) {
        surface = cairo_pdf_surface_create_for_stream(DataSink.write, sink.closure, width, height)
        cr = cairo_create(surface)
        try check(surface: surface)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Bianmin")
    }

    /// Finishes the document and returns the PDF bytes.
    func finish() throws(DocumentError) -> Data {
        cairo_show_page(cr)
        cairo_surface_finish(surface)
        try check(surface: surface)
        return sink.data
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }
}

/// A wrapped paragraph laid out with pango for a given width.
final class TextBlock {
    let layout: OpaquePointer
    let height: Double
    let width: Double
    /// Every glyph comes from `intactFamily`, so the text can be shown as it is.
    let intact: Bool

    init(_ cr: OpaquePointer, _ text: String, size: Double, bold: Bool = false, width: Double,
         alignment: PangoAlignment = PANGO_ALIGN_LEFT)
    {
        layout = pango_cairo_create_layout(cr)
        // The documents are Simplified Chinese whatever the kiosk's locale (often C.UTF-8), so
        // Chinese runs get the Simplified Chinese forms (full-width dashes, the middle dot of names).
        pango_context_set_language(pango_layout_get_context(layout), pango_language_from_string("zh-cn"))
        pango_layout_context_changed(layout)
        let font = pango_font_description_from_string(bold ? "\(fontFamily) Bold" : fontFamily)
        pango_font_description_set_absolute_size(font, size * Double(PANGO_SCALE))
        pango_layout_set_font_description(layout, font)
        pango_font_description_free(font)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(layout, alignment)
        pango_layout_set_text(layout, text, -1)
        var logicalWidth: Int32 = 0
        var logicalHeight: Int32 = 0
        pango_layout_get_size(layout, &logicalWidth, &logicalHeight)
        self.width = Double(logicalWidth) / Double(PANGO_SCALE)
        self.height = Double(logicalHeight) / Double(PANGO_SCALE)
        intact = Self.setOnly(in: intactFamily, layout)
    }

    /// Whether every run of `layout` is set in a font of `family`.
    private static func setOnly(in family: String, _ layout: OpaquePointer) -> Bool {
        let iterator = pango_layout_get_iter(layout)
        defer { pango_layout_iter_free(iterator) }
        repeat {
            guard let run = pango_layout_iter_get_run_readonly(iterator) else { continue }
            let description = pango_font_describe(run.pointee.item.pointee.analysis.font)
            defer { pango_font_description_free(description) }
            guard pango_font_description_get_family(description).map({ String(cString: $0) }) == family else { return false }
        } while pango_layout_iter_next_run(iterator) != 0
        return true
    }

    /// Draws the text in black with (x, y) its top left corner.
    ///
    /// cairo 1.16 subsets CFF fonts with their subroutines and drops some that a glyph needs: in a
    /// small subset of the full Noto Sans CJK SC, 如 comes out blank. Bianmin Sans is TrueType,
    /// which cairo subsets intact, so text set only in it is shown as it is. Other text is drawn
    /// as filled outlines, which always print, over the same text in white, which keeps the PDF
    /// searchable (pdftotext) with the font embedded.
    func draw(_ cr: OpaquePointer, x: Double, y: Double) {
        guard !intact else {
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_move_to(cr, x, y)
            pango_cairo_show_layout(cr, layout)
            return
        }
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, layout)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_new_path(cr)
        cairo_move_to(cr, x, y)
        pango_cairo_layout_path(cr, layout)
        cairo_fill(cr)
    }

    /// The text of each line as wrapped, in order.
    func lineTexts() -> [String] {
        let bytes = Array(String(cString: pango_layout_get_text(layout)).utf8)
        return (0..<pango_layout_get_line_count(layout)).compactMap { index in
            guard let line = pango_layout_get_line_readonly(layout, index)?.pointee else { return nil }
            let start = Int(line.start_index)
            return String(decoding: bytes[start..<min(start + Int(line.length), bytes.count)], as: UTF8.self)
        }
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

/// Light modules around a QR symbol in every rendering.
let quietZone = 4

/// Draws the symbol with its quiet zone, `module` units per module; (x, y) is the outer corner
/// of the quiet zone. The symbol is an image of one pixel per module scaled without smoothing:
/// square modules in every rendering, and a PDF carries a few hundred bytes (a 1-bit image)
/// instead of a rectangle per run of modules.
func drawQR(_ cr: OpaquePointer, _ matrix: QRMatrix, x: Double, y: Double, module: Double) {
    let side = matrix.size + 2 * quietZone
    let image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(side), Int32(side))!
    defer { cairo_surface_destroy(image) }
    let stride = Int(cairo_image_surface_get_stride(image))
    let pixels = cairo_image_surface_get_data(image)!
    for row in 0..<side {
        let line = UnsafeMutableRawPointer(pixels + row * stride).assumingMemoryBound(to: UInt32.self)
        for column in 0..<side {
            let dark = row >= quietZone && column >= quietZone && row < quietZone + matrix.size && column < quietZone + matrix.size
                && matrix[column - quietZone, row - quietZone]
            line[column] = dark ? 0x000000 : 0xFFFFFF
        }
    }
    cairo_surface_mark_dirty(image)
    cairo_save(cr)
    cairo_translate(cr, x, y)
    cairo_scale(cr, module, module)
    cairo_set_source_surface(cr, image, 0, 0)
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST)
    cairo_rectangle(cr, 0, 0, Double(side), Double(side))
    cairo_fill(cr)
    cairo_restore(cr)
}

/// A vertical piece of a page: measured before it is placed.
final class Block {
    let height: Double
    /// Keep on the same page as the next block (headings, table headers).
    let keepWithNext: Bool
    /// Drawn first when this block starts a new page (a table's header row).
    let repeatedHeader: Block?
    let draw: (_ y: Double) -> Void

    init(height: Double, keepWithNext: Bool = false, repeatedHeader: Block? = nil, draw: @escaping (Double) -> Void) {
        self.height = height
        self.keepWithNext = keepWithNext
        self.repeatedHeader = repeatedHeader
        self.draw = draw
    }

    /// Empty vertical space.
    static func gap(_ height: Double, keepWithNext: Bool = false) -> Block {
        Block(height: height, keepWithNext: keepWithNext) { _ in }
    }
}

public extension Documents {
    /// Renders the symbol as a PNG, `moduleSize` pixels per module, with a 4-module quiet zone.
    static func qrPNG(_ matrix: QRMatrix, moduleSize: Int = 8) throws(DocumentError) -> Data {
        let pixels = Int32((matrix.size + 2 * quietZone) * moduleSize)
        let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixels, pixels)!
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        drawQR(cr, matrix, x: 0, y: 0, module: Double(moduleSize))
        cairo_surface_flush(surface)
        let sink = DataSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, DataSink.write, sink.closure)
        }
        guard status == CAIRO_STATUS_SUCCESS else { throw .cairo(String(cString: cairo_status_to_string(status))) }
        return sink.data
    }
}
