import Foundation

/// A plain TCP connection to the hub for tests that act as a misbehaving client: one that
/// connects and says nothing, trickles header bytes, or stops reading. (An HTTP client library
/// would do none of these.)
final class RawSocket: @unchecked Sendable {
    let descriptor: Int32

    /// Connects to 127.0.0.1:`port`. `receiveBuffer` shrinks the kernel's receive buffer (set
    /// before connecting, so the window stays small) for a client that stops reading.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestFailure("socket() failed: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port)).bigEndian
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else {
            close(descriptor)
            throw TestFailure("cannot connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(descriptor) }

    /// Closes both directions, as a client that goes away does (the descriptor stays ours
    /// until deinit, so it cannot be closed twice).
    func hangUp() { shutdown(descriptor, Int32(SHUT_RDWR)) }

    /// Sends `text`; false once the hub has closed the connection.
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return Foundation.send(descriptor, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count
    }

    /// Whether the hub has closed the connection: reads without waiting, throwing away what
    /// arrived, and reports true on end of file or a reset.
    func isClosedByPeer() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { continue }
            if count == 0 { return true }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Reads until `marker` has arrived (at most `seconds`); returns what was read.
    ///
    /// Polls without blocking a thread: the hub runs in this process, and a test blocked in
    /// `recv` on one of the few cooperative threads could starve the hub that should answer it.
    func read(until marker: String, within seconds: Double = 10) async throws -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(descriptor, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 {
                received += buffer[0..<count]
                continue
            }
            guard count < 0, errno == EAGAIN || errno == EWOULDBLOCK, ContinuousClock.now < deadline else {
                throw TestFailure("connection ended or timed out before '\(marker)': \(String(decoding: received, as: UTF8.self))")
            }
            try await _Concurrency.Task.sleep(for: .milliseconds(10))
        }
        return String(decoding: received, as: UTF8.self)
    }
}

extension RawSocket {
    /// Sends all of `bytes`, blocking while the kernel's send buffer is full (the peer is not
    /// reading): call it on a thread of its own. False once the peer has closed.
    func sendBlocking(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Foundation.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    /// A client's WebSocket text frame (masked, as RFC 6455 requires of clients; the zero key
    /// leaves the payload as it is).
    static func maskedTextFrame(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        frame += [0, 0, 0, 0]
        return frame + payload
    }
}
