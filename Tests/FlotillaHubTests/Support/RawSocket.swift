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
    func read(until marker: String, within seconds: Double = 10) throws -> String {
        var timeout = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !String(decoding: received, as: UTF8.self).contains(marker) {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { throw TestFailure("connection ended before '\(marker)': \(String(decoding: received, as: UTF8.self))") }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
