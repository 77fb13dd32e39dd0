import FlotillaClient
import FlotillaCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

#if canImport(Glibc)
import Glibc
#endif

/// The benchmark's agent: the agent protocol over a plain WebSocket, handled on the socket's
/// event loop. It answers each assignment with `complete` at once and sends all the answers to
/// one read in one flush.
///
/// The messages are those of any agent (`register`, `ready`, `complete`, parsed and written
/// with the same `Envelope`), but it skips what makes a general client cost more per message:
/// a task hop for every frame read and written, a flush per frame, and a system call per
/// masking key. On these two cores the agents share the CPU with the hub they measure, so
/// every microsecond they spend is one the hub does not get. That is why the benchmark keeps
/// this client of its own instead of FlotillaClient's `AgentLink` (a task per connection, a
/// frame per write): with the general client the agents, not the hub, would set the figures.
struct BenchAgentSocket {
    let url: String
    let token: String?
    let agentID: String
    let roles: [String]
    let concurrency: Int
    /// What each result carries (docs/costs.md, "Cost of the ledger").
    var results = BenchResults.empty

    /// Connects and works until the task is cancelled. `ready` runs once `register` and
    /// `ready` are sent; `completed` when the hub acknowledges a `complete`, which it does once
    /// the completion is committed (on the event loop).
    func run(ready: @escaping @Sendable () -> Void, completed: @escaping @Sendable () -> Void) async throws {
        guard let parsed = URL(string: url), parsed.scheme == "ws", let host = parsed.host else {
            throw BenchFailure(message: "the benchmark's agents speak plain ws:// only, not \(url)")
        }
        let register = Envelope(id: "m0", type: .register, agentID: agentID, payload: ["roles": .array(roles.map { .string($0) }), "concurrency": .int(Int64(concurrency))])
        let readyMessage = Envelope(id: "m1", type: .ready, agentID: agentID)
        let result = results.json
        let agentID = self.agentID
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(host):\(parsed.port ?? 80)")
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: parsed.path.isEmpty ? "/" : parsed.path, headers: headers)

        let upgraded = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: parsed.port ?? 80) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let upgrader = NIOTypedWebSocketClientUpgrader<(any Channel)?>(maxFrameSize: 1 << 24) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let handler = BenchAgentHandler(agentID: agentID, opening: [register, readyMessage], result: result, ready: ready, completed: completed)
                            try channel.pipeline.syncOperations.addHandler(handler)
                            return channel
                        }
                    }
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<(any Channel)?>(
                        upgradeRequestHead: head,
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in channel.eventLoop.makeCompletedFuture { nil } }
                    )
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: .init(upgradeConfiguration: configuration))
                }
            }
        guard let channel = try await upgraded.get() else {
            throw BenchFailure(message: "the hub refused the agents' WebSocket upgrade at \(url) (bad token?)")
        }
        // Only now are the HTTP handlers gone: frames written earlier would meet them.
        channel.pipeline.fireUserInboundEventTriggered(BenchAgentHandler.Start())
        try await withTaskCancellationHandler {
            try await channel.closeFuture.get()
        } onCancel: {
            channel.close(promise: nil)
        }
    }
}

/// Reads the hub's frames and answers assignments, all on the channel's event loop.
final class BenchAgentHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let agentID: String
    private let opening: [Envelope]
    private let result: JSONValue
    private let ready: @Sendable () -> Void
    private let completed: @Sendable () -> Void
    private var masks = MaskingKeys()
    private var fragments: ByteBuffer?
    private var sent = 1
    private var unflushed = false

    init(agentID: String, opening: [Envelope], result: JSONValue, ready: @escaping @Sendable () -> Void, completed: @escaping @Sendable () -> Void) {
        self.agentID = agentID
        self.opening = opening
        self.result = result
        self.ready = ready
        self.completed = completed
    }

    /// Sent through the pipeline once the upgrade is complete.
    struct Start {}

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is Start else { return context.fireUserInboundEventTriggered(event) }
        for envelope in opening { write(envelope.textBytes, opcode: .text, context: context) }
        context.flush()
        unflushed = false
        ready()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            if frame.fin { handle(frame.data, context: context) } else { fragments = frame.data }
        case .continuation:
            guard var partial = fragments else { return }
            var data = frame.data
            partial.writeBuffer(&data)
            if frame.fin {
                fragments = nil
                handle(partial, context: context)
            } else {
                fragments = partial
            }
        case .ping:
            write(Array(buffer: frame.data), opcode: .pong, context: context)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
    }

    private func handle(_ text: ByteBuffer, context: ChannelHandlerContext) {
        guard let message = try? Envelope(text: String(buffer: text)) else { return }
        switch message.type {
        case .assignment:
            sent += 1
            let complete = Envelope(id: "m\(sent)", type: .complete, agentID: agentID, payload: [
                "task_id": message.payload["task_id"] ?? .null,
                "attempt": message.payload["attempt"] ?? .null,
                "result": result,
            ])
            write(complete.textBytes, opcode: .text, context: context)
        case .ack where message.payload["of"] == "complete":
            // Counted when the hub says the completion is durable, not when it is sent.
            completed()
        default:
            break
        }
    }

    private func write(_ bytes: [UInt8], opcode: WebSocketOpcode, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        let frame = WebSocketFrame(fin: true, opcode: opcode, maskKey: masks.next(), data: buffer)
        context.write(wrapOutboundOut(frame), promise: nil)
        unflushed = true
    }
}

/// Client frames must be masked with unpredictable keys (RFC 6455 §5.3). They are cut from
/// the kernel's randomness (`/dev/urandom`) fetched 4 KiB at a time, not a system call per frame.
private struct MaskingKeys {
    private var pool: [UInt8] = []
    private var offset = 0

    mutating func next() -> WebSocketMaskingKey {
        if offset + 4 > pool.count {
            pool = [UInt8](unsafeUninitializedCapacity: 4096) { buffer, count in
                let random = open("/dev/urandom", O_RDONLY)
                defer { if random >= 0 { close(random) } }
                count = random < 0 ? 0 : max(0, read(random, buffer.baseAddress, buffer.count))
            }
            if pool.count < 4 {
                var generator = SystemRandomNumberGenerator()
                return .random(using: &generator)
            }
            offset = 0
        }
        defer { offset += 4 }
        return WebSocketMaskingKey(pool[offset..<offset + 4])!
    }
}
