import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// Open connections per client address, shared by every connection of one server: a client that
/// opens more than its share has the extra ones closed at once, so it cannot hold the file
/// descriptors every station needs.
final class ConnectionLedger: Sendable {
    /// The most connections one address may hold open.
    let perAddress: Int
    private let open = NIOLockedValueBox([String: Int]())

    init(perAddress: Int) {
        self.perAddress = perAddress
    }

    /// Counts a new connection from `address`; false (and nothing counted) when it already holds its share.
    func admit(_ address: String) -> Bool {
        open.withLockedValue { open in
            let count = open[address, default: 0]
            guard count < perAddress else { return false }
            open[address] = count + 1
            return true
        }
    }

    /// Forgets one connection from `address`.
    func release(_ address: String) {
        open.withLockedValue { open in
            let count = open[address, default: 0] - 1
            open[address] = count > 0 ? count : nil
        }
    }
}

/// Guards one connection: refuses it beyond its address's share, closes it when the first request's
/// head does not arrive within `headerTimeout`, a body within `bodyTimeout` of its head, or a later
/// head within `keepAliveTimeout` of the previous request (longer than the idle timeout, which closes a
/// quiet connection first; this one catches a client trickling bytes to look busy).
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let ledger: ConnectionLedger
    private let headerTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private let keepAliveTimeout: TimeAmount
    private var address: String?
    private var deadline: Scheduled<Void>?

    init(ledger: ConnectionLedger, headerTimeout: TimeAmount, bodyTimeout: TimeAmount, keepAliveTimeout: TimeAmount) {
        self.ledger = ledger
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.keepAliveTimeout = keepAliveTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard ledger.admit(address) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        arm(headerTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        if let address {
            ledger.release(address)
            self.address = nil
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: arm(bodyTimeout, context: context)
        case .body: break
        case .end: arm(keepAliveTimeout, context: context)
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    private func arm(_ timeout: TimeAmount, context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }
}
