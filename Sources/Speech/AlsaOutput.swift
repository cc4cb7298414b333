import CAlsa
import Foundation

/// Where spoken audio goes: a sound card, or what a test or a benchmark listens with. Used only on
/// the voice's own thread.
public protocol AudioOutput: AnyObject {
    /// Plays `samples` (mono, 16-bit, at the rate it was opened with); blocks while the device's buffer
    /// is full. False: the device failed.
    func write(_ samples: UnsafeBufferPointer<Int16>) -> Bool
    /// Drops what is buffered and not yet heard (speech was cut off).
    func drop()
}

/// Why an audio device could not be used.
public struct AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The ALSA device name.
    public var device: String
    /// ALSA's words for what failed.
    public var reason: String

    public var description: String { "no audio device '\(device)' (\(reason)): the kiosk works silently" }
}

/// An ALSA playback device (`default`, `hw:0`, `null`...), opened for mono 16-bit audio with a short
/// buffer (0.1 s) so that speech cut off stops at once.
public final class AlsaOutput: AudioOutput {
    private let pcm: OpaquePointer

    /// Opens `device` for `sampleRate` samples per second.
    public init(device: String, sampleRate: Int) throws(AudioError) {
        bianmin_alsa_quiet()
        var handle: OpaquePointer?
        var status = snd_pcm_open(&handle, device, SND_PCM_STREAM_PLAYBACK, 0)
        guard status >= 0, let handle else { throw AudioError(device: device, reason: String(cString: snd_strerror(status))) }
        status = snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, UInt32(clamping: sampleRate), 1, 100_000)
        guard status >= 0 else {
            snd_pcm_close(handle)
            throw AudioError(device: device, reason: String(cString: snd_strerror(status)))
        }
        pcm = handle
    }

    deinit { snd_pcm_close(pcm) }

    public func write(_ samples: UnsafeBufferPointer<Int16>) -> Bool {
        guard var next = samples.baseAddress else { return true }
        var left = samples.count
        while left > 0 {
            let written = snd_pcm_writei(pcm, next, snd_pcm_uframes_t(left))
            if written < 0 {
                // An underrun (the last speech ended and the buffer ran dry) is recovered; anything else fails.
                guard snd_pcm_recover(pcm, Int32(clamping: written), 1) >= 0 else { return false }
                continue
            }
            left -= Int(written)
            next += Int(written)
        }
        return true
    }

    public func drop() {
        snd_pcm_drop(pcm)
        snd_pcm_prepare(pcm)
    }
}
