import NIOCore

/// Refuses a server's request for the password in clear text on a connection that TLS does not protect.
///
/// postgres-nio answers AuthenticationCleartextPassword by sending the password as it is. Anyone who can
/// answer in the real server's place (a host on the path, a process that took the port) would then
/// simply ask for it. This handler sits next to the socket and reads what the server sends until
/// authentication is over: if the server accepted TLS (it answered `S` to the SSLRequest) it steps aside;
/// otherwise a cleartext request closes the connection before postgres-nio sees it.
/// SCRAM and MD5 (which never send the password itself) pass.
final class CleartextPasswordGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct Refused: Error, CustomStringConvertible {
        var description: String {
            "the server asked for the password in clear text on a connection without TLS, so it was not sent"
        }
    }

    private enum State {
        /// The client sent an SSLRequest; the server's one-byte answer comes first.
        case awaitingTLSAnswer
        /// Plain TCP: authentication requests are read before they are passed on.
        case inspecting
        /// Encrypted, or authentication is over: everything passes.
        case passing
        case refused
    }

    private var state: State
    private var pending: ByteBuffer?

    /// - Parameter tlsRequested: whether postgres-nio starts with an SSLRequest (every sslmode but `disable`).
    init(tlsRequested: Bool) {
        state = tlsRequested ? .awaitingTLSAnswer : .inspecting
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        switch state {
        case .passing:
            context.fireChannelRead(data)
        case .refused:
            return
        case .awaitingTLSAnswer:
            guard let answer = buffer.readSlice(length: 1) else { return }
            if answer.getInteger(at: answer.readerIndex, as: UInt8.self) == UInt8(ascii: "S") {
                state = .passing
                context.fireChannelRead(data)
                return
            }
            state = .inspecting
            context.fireChannelRead(wrapInboundOut(answer))
            if buffer.readableBytes > 0 { inspect(buffer, context: context) }
        case .inspecting:
            inspect(buffer, context: context)
        }
    }

    /// Passes on whole messages, stopping at a cleartext request; after AuthenticationOk or an error, steps aside.
    private func inspect(_ incoming: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = incoming
        if var earlier = pending {
            earlier.writeBuffer(&buffer)
            buffer = earlier
        }
        pending = nil
        while state == .inspecting {
            // A message: a type byte, then a 4-byte length counting itself; an authentication request's code follows.
            guard let type = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
                  let length = buffer.getInteger(at: buffer.readerIndex + 1, as: Int32.self),
                  length >= 4, buffer.readableBytes >= 1 + Int(length),
                  let message = buffer.readSlice(length: 1 + Int(length)) else { break }
            if type == UInt8(ascii: "R") {
                let code = message.getInteger(at: message.readerIndex + 5, as: Int32.self)
                if code == 3 {
                    state = .refused
                    context.fireErrorCaught(Refused())
                    context.close(promise: nil)
                    return
                }
                if code == 0 { state = .passing }
            } else if type == UInt8(ascii: "E") {
                state = .passing
            }
            context.fireChannelRead(wrapInboundOut(message))
        }
        guard buffer.readableBytes > 0 else { return }
        if state == .passing {
            context.fireChannelRead(wrapInboundOut(buffer))
        } else {
            pending = buffer
        }
    }
}
