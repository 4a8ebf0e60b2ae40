import Augment
import Dispatch
import Foundation

/// Turns Ctrl-C (SIGINT) into a `StopRequest`: the first stops the run cleanly (no new image
/// is started, those being written are finished, workers exit, the summary is printed); a
/// second one exits at once with status 130.
///
/// SIGINT is ignored by the process while this is installed, and the handler runs on a
/// dispatch queue, not in signal context. Worker processes spawned meanwhile inherit the
/// ignored disposition, so a Ctrl-C that reaches the whole process group leaves them to the
/// parent.
final class InterruptSignal {
    let stop = StopRequest()
    private let source: any DispatchSourceSignal

    init() {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        let stop = self.stop
        source.setEventHandler {
            if stop.isRequested { _exit(130) }
            stop.request()
        }
        source.resume()
        self.source = source
    }

    deinit { source.cancel() }
}
