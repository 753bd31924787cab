import NIOCore

/// The connection's idle timeout, kept as NIO's `IdleStateHandler(readTimeout:)` keeps it, in this
/// handler: as a handler of its own it cost a pipeline hop for every request part, response part,
/// flush and read (~1,400 instructions per request, callgrind). The rule is the same: a check every
/// `idle-timeout` seconds after the last read burst ended; a burst still being read postpones it.
extension HTTPHandler {
    private var idleTimeout: TimeAmount { .seconds(Int64(server.configuration.idleTimeoutSeconds)) }

    func startIdleTimer(_ context: ChannelHandlerContext) {
        idleCheck?.cancel()
        lastRead = .now()
        scheduleIdleCheck(context, at: lastRead + idleTimeout)
    }

    func stopIdleTimer() {
        idleCheck?.cancel()
        idleCheck = nil
    }

    /// Ends a read burst (`channelReadComplete`, which NIO sends after every read from the socket,
    /// whether or not the decoder made a part of it): the idle time counts from here.
    func noteReadBurstEnded() {
        lastRead = .now()
        readingBurst = false
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext, at deadline: NIODeadline) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        idleCheck = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.checkIdle(context)
        }
    }

    private func checkIdle(_ context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let timeout = idleTimeout
        if readingBurst {
            scheduleIdleCheck(context, at: .now() + timeout)
        } else if .now() - lastRead >= timeout {
            scheduleIdleCheck(context, at: .now() + timeout)
            idleTimedOut(context)
        } else {
            scheduleIdleCheck(context, at: lastRead + timeout)
        }
    }
}
