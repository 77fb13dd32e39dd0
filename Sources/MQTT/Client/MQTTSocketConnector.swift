import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Opens the TCP connection of a busy-polling client, which NIO then adopts
/// (`ClientBootstrap.withConnectedSocket`).
///
/// The busy poller reads the socket itself on each turn of the loop (``MQTTBusyPoller``), so it
/// needs the descriptor, and a channel NIO connected does not reveal its own.
enum MQTTSocketConnector {
    /// Resolves `host` and tries its addresses in order until one accepts, all within `timeout`.
    /// Blocks the calling thread: run it on a thread pool, never on an event loop.
    static func openConnection(host: String, port: Int, timeout: Duration) throws(MQTTError) -> CInt {
        let deadline = ContinuousClock.now + timeout
        var hints = addrinfo()
        hints.ai_socktype = Self.streamType
        // No AI_ADDRCONFIG: on a host with loopback only it would hide "localhost"'s addresses.
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw MQTTError(.connectionClosed, "Could not resolve '\(host)': \(String(cString: gai_strerror(resolved))).")
        }
        defer { freeaddrinfo(first) }
        var failure = MQTTError(.connectionClosed, "'\(host)' resolved to no address.")
        var next: UnsafeMutablePointer<addrinfo>? = first
        while let address = next?.pointee {
            next = address.ai_next
            do throws(MQTTError) {
                return try attempt(address, deadline: deadline, name: "\(host):\(port)")
            } catch {
                failure = error
                if error.code == .timeout { break }
            }
        }
        throw failure
    }

    /// One non-blocking connect, waited for with `poll` until `deadline`.
    private static func attempt(_ address: addrinfo, deadline: ContinuousClock.Instant, name: String) throws(MQTTError) -> CInt {
        let descriptor = socket(address.ai_family, Self.streamType, address.ai_protocol)
        guard descriptor >= 0 else { throw MQTTError(.connectionClosed, "Could not open a socket for \(name): \(errorDescription(errno)).") }
        // Close-on-exec: agents spawn processes. Non-blocking: NIO expects it, and the timeout needs it.
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        var error: CInt = connect(descriptor, address.ai_addr, address.ai_addrlen) == 0 ? 0 : errno
        while error == EINPROGRESS || error == EINTR {
            let left = deadline - .now
            guard left > .zero else {
                _ = close(descriptor)
                throw MQTTError(.timeout, "Connecting to \(name) took longer than the connect timeout.")
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let milliseconds = CInt(min(MQTTClient.ReconnectPolicy.seconds(left) * 1000, Double(CInt.max - 1))) + 1
            switch poll(&poller, 1, milliseconds) {
            case 0: continue
            case ..<0: error = errno
            default:
                var outcome: CInt = 0
                var length = socklen_t(MemoryLayout<CInt>.size)
                error = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &outcome, &length) == 0 ? outcome : errno
            }
        }
        guard error == 0 else {
            _ = close(descriptor)
            throw MQTTError(.connectionClosed, "Could not connect to \(name): \(errorDescription(error)).")
        }
        return descriptor
    }

    private static func errorDescription(_ code: CInt) -> String {
        String(cString: strerror(code))
    }

    #if canImport(Glibc)
    private static let streamType = CInt(SOCK_STREAM.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    #endif
}
