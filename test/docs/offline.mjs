// Preloaded (node --import) into every README program the docs test runs:
// a connection to anything but loopback fails at once, so a block that would
// reach the real Linq API (or anything on the internet) fails its test
// instead of leaving the machine.
import net from "node:net"

const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/
const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function (...args) {
  const first = args[0]
  const options = Array.isArray(first) ? first[0] : first
  const host = typeof options === "object" && options !== null ? options.host : args[1]
  if (typeof options === "object" && options !== null && options.path !== undefined) {
    return connect.apply(this, args)
  }
  if (host !== undefined && !loopback.test(String(host))) {
    const error = new Error(`README programs run offline: connection to ${host} refused (use FakeLinq)`)
    process.nextTick(() => this.destroy(error))
    return this
  }
  return connect.apply(this, args)
}
