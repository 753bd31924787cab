import NIOCore

/// Reading stops while the channel is not writable (answers waiting above NIO's high water mark,
/// 64 KiB), and resumes once they drained below the low one: a client that pipelines requests and
/// does not read the answers is then held back by the socket buffers instead of filling the
/// daemon's memory. NIO's `BackPressureHandler` does this as a handler of its own, which would cost
/// a pipeline hop for every request part, answer part and flush; here it costs this `read` once
/// per read burst.
extension HTTPHandler {
    func read(context: ChannelHandlerContext) {
        if writable {
            context.read()
        } else {
            readHeld = true
            heldBack = true
        }
    }

    /// What a closed connection freed goes back to the kernel when it was much: the answers queued
    /// while it was held back (glibc would keep 14-19 MB after one client's pipelined metadata
    /// requests), or a request body of `trimmedBodyBytes` or more.
    func returnFreedMemory(largeBody: Bool) {
        if heldBack || largeBody { FreedHeap.returnToSystem() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writable = context.channel.isWritable
        if writable, readHeld {
            readHeld = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }
}
