#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz tests (the spec's examples and one frame per protocol error) into
src/test/resources/<package>/<Class>Inputs/<method>/. Run it from the repository root after changing a seed here;
the files are committed, and findings that Jazzer saves next to them are committed as they are."""
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def h(text):
    return bytes.fromhex(text.replace(' ', ''))


DATA = h('001e0100 ef010101 13880000 0000000000000007 0000000000000000 6869')
DATA_EMPTY = h('001c0100 ef010101 13880000 0000000000000008 0000000000000000')
DATA_REMAPPED = h('00200100 ef010102 13890000 0000000000000009 0000000000000000 01020304')
HEARTBEAT = h('00140200 0000000000000007 0000000000000000')
HELLO = h('00240300 01010000 0102030405060708 000000000000002a 0000000000000000 70726f64')
ACK = h('001c0400 0102030405060708 0000000000000029 0000000000000000')

SENDER = {
    'spec-data-example': DATA,
    'spec-hello-example': HELLO,
    'heartbeat': HEARTBEAT,
    'data-empty-payload': DATA_EMPTY,
    'stream-hello-data-heartbeat-data': HELLO + DATA + HEARTBEAT + DATA_REMAPPED,
    'need-more-half-a-data-frame': DATA[:17],
    'need-more-data-header-only': DATA[:28],
    'bad-length-data-27': h('001b0100 ef010101 13880000 0000000000000002 0000000000000000'),
    'bad-length-heartbeat-21': h('00150200 0000000000000001 0000000000000000 00'),
    'bad-length-hello-no-feed': h('00200300 01010000 0102030405060708 000000000000002a 0000000000000000'),
    'bad-length-hello-97': h('00610300') + HELLO[4:32] + b'p' * 65,
    'unknown-type-0x10': h('001c1000 ef010101 13880000 0000000000000002 0000000000000000'),
    'unknown-type-0x00': h('00040000'),
    'reserved-type-0x05': h('001c0500 ef010101 13880000 0000000000000002 0000000000000000'),
    'reserved-type-0x0f-prefix-only': h('ffff0f00'),
    'wrong-direction-ack': ACK,
    'non-zero-flags-data': h('001c0180 ef010101 13880000 0000000000000002 0000000000000000'),
    'non-zero-flags-heartbeat': h('00140201 0000000000000001 0000000000000000'),
    'group-not-multicast-10.0.0.1': h('001c0100 0a000001 13880000 0000000000000002 0000000000000000'),
    'group-not-multicast-240.0.0.1': h('001c0100 f0000001 13880000 0000000000000002 0000000000000000'),
    'port-zero': h('001c0100 ef010101 00000000 0000000000000002 0000000000000000'),
    'non-zero-reserved': h('001c0100 ef010101 13880001 0000000000000002 0000000000000000'),
    'unsupported-version-2': h('00240300 02010000') + HELLO[8:],
    'bad-hello-session-zero': h('00240300 01010000 0000000000000000 000000000000002a 0000000000000000 70726f64'),
    'bad-hello-first-sequence-zero': h('00240300 01010000 0102030405060708 0000000000000000 0000000000000000 70726f64'),
    'bad-hello-reserved': h('00240300 01010001') + HELLO[8:],
    'data-then-bad-frame': DATA + h('001c0100 0a000001 13880000'),
}

RELAY = {
    'spec-ack-example': ACK,
    'heartbeat': HEARTBEAT,
    'stream-ack-heartbeat-ack': ACK + HEARTBEAT + ACK,
    'wrong-direction-data': DATA,
    'wrong-direction-hello': HELLO,
    'bad-length-ack-29': h('001d0400') + ACK[4:] + b'\x00',
    'non-zero-flags-ack': h('001c0402') + ACK[4:],
    'need-more-half-an-ack': ACK[:13],
    'reserved-type-0x0a': h('001c0a00'),
}


def lp(payload):
    return len(payload).to_bytes(2, 'big') + payload


LENGTH_PREFIXED = {
    # 2 bytes of the feed's max-payload (8472 = 0x2118 by default), then the stream.
    'three-frames-default-maximum': h('2118') + lp(b'hi') + lp(b'') + lp(bytes(range(40))),
    'payload-at-the-maximum-16': h('0010') + lp(bytes(16)),
    'payload-too-large-17-of-16': h('0010') + lp(bytes(17)),
    'payload-too-large-prefix-only': h('0010') + h('ffff'),
    'need-more-partial-payload': h('2118') + h('0010') + bytes(5),
    'need-more-one-byte': h('2118') + h('00'),
}

IPV4 = {
    'multicast': '239.1.1.1', 'zero': '0.0.0.0', 'broadcast': '255.255.255.255', 'padded': ' 10.0.0.1\t',
    'leading-zeros': '239.001.01.1', 'octet-256': '256.1.1.1', 'three-octets': '1.2.3', 'five-octets': '1.2.3.4.5',
    'empty-octet': '1..2.3', 'four-digit-octet': '0239.1.1.1', 'letters': 'a.b.c.d', 'empty': '',
}

DESTINATION = {
    'plain': '239.1.1.1:5000', 'remapped': '239.1.1.2:5001->239.9.9.9:6000',
    'spaced': ' 239.1.1.1 : 5000 -> 239.2.2.2 : 6000 ', 'port-zero': '239.1.1.1:0',
    'port-65536': '239.1.1.1:65536', 'port-65535': '239.255.255.255:65535', 'unicast': '10.0.0.1:5000',
    'remapped-to-unicast': '239.1.1.1:5000->10.0.0.1:5000', 'no-port': '239.1.1.1', 'dangling-arrow': '239.1.1.1:5000->',
    'two-arrows': '239.1.1.1:1->239.1.1.2:2->239.1.1.3:3', 'port-not-a-number': '239.1.1.1:http',
    'huge-port': '239.1.1.1:99999999999',
}


def data(group, port, sequence, payload):
    octets = bytes(int(o) for o in group.split('.'))
    return ((28 + len(payload)).to_bytes(2, 'big') + b'\x01\x00' + octets + port.to_bytes(2, 'big') + b'\x00\x00'
            + sequence.to_bytes(8, 'big') + bytes(8) + payload)


# The ingress path: byte 0 picks the feed (0 relay-v1, 1 length-prefixed), byte 1 the largest read (0: one read).
ALLOWED = (data('239.1.1.1', 5000, 1, b'plain') + data('239.1.1.2', 5001, 2, b'remapped')
           + data('239.1.1.3', 5002, 3, b'onto plain') + data('239.1.1.4', 5003, 4, b'onto an exchange side'))
MIXED = (ALLOWED + HEARTBEAT + data('239.1.1.1', 5001, 5, b'port not allowed')
         + data('239.9.9.9', 6000, 6, b'vpc side is no exchange side') + data('239.1.1.1', 5000, 7, bytes(101))
         + data('239.1.1.1', 5000, 8, bytes(100)) + data('239.1.1.1', 5000, 9, b''))
INGRESS = {
    'relay-v1-allowed-one-read': b'\x00\x00' + ALLOWED,
    'relay-v1-mixed-one-read': b'\x00\x00' + MIXED,
    'relay-v1-mixed-byte-by-byte': b'\x00\x01' + MIXED,
    'relay-v1-mixed-reads-of-up-to-13': b'\x00\x0d' + MIXED,
    'relay-v1-hello-then-data': b'\x00\x05' + HELLO.replace(b'prod', b'test') + data('239.1.1.1', 5000, 42, b'x'),
    'relay-v1-hello-of-another-feed': b'\x00\x00' + HELLO + data('239.1.1.1', 5000, 42, b'x'),
    'relay-v1-late-hello': b'\x00\x00' + data('239.1.1.1', 5000, 1, b'x') + HELLO.replace(b'prod', b'test'),
    'relay-v1-ack-to-the-relay': b'\x00\x00' + data('239.1.1.1', 5000, 1, b'x') + ACK,
    'relay-v1-incomplete-last-frame': b'\x00\x03' + ALLOWED + data('239.1.1.1', 5000, 9, b'cut')[:20],
    'length-prefixed-frames': b'\x01\x00' + lp(b'hi') + lp(b'') + lp(bytes(100)),
    'length-prefixed-too-large': b'\x01\x02' + lp(b'hi') + lp(bytes(101)),
    'length-prefixed-incomplete': b'\x01\x00' + lp(b'hi') + h('0010') + b'abc',
}
for name, frame in SENDER.items():
    if name.startswith(('bad-', 'unknown-', 'reserved-', 'non-zero-', 'group-', 'port-', 'unsupported-', 'wrong-')):
        INGRESS['relay-v1-data-then-' + name] = b'\x00\x07' + data('239.1.1.1', 5000, 1, b'before') + frame + DATA


def ipc(payload, version=1, header_length=48, payload_length=None, group='239.255.201.1', port=0xFFFF, extra=b''):
    le = lambda value, size: (value & ((1 << (8 * size)) - 1)).to_bytes(size, 'little')
    group_int = int.from_bytes(bytes(int(o) for o in group.split('.')), 'big')
    header = (le(version, 1) + b'\x00' + le(header_length, 2)
              + le(len(payload) if payload_length is None else payload_length, 4) + le(group_int, 4) + le(port, 2)
              + le(5000, 2) + le(0xEF010101, 4) + le(7, 4) + le(42, 8) + le(1_700_000_000_000_000_000, 8)
              + le(1_700_000_000_000_001_000, 8))
    return header + extra + payload


# The egress adapter: one IPC fragment; port 0xFFFF stands for the test receiver's port.
IPC = {
    'message': ipc(b'hello, customer'),
    'message-empty-payload': ipc(b''),
    'message-longer-header': ipc(b'payload after 8 more header bytes', header_length=56, extra=bytes(8)),
    'message-with-trailing-bytes': ipc(b'abc', payload_length=2),
    'unknown-destination': ipc(b'x', group='239.1.1.1', port=5000),
    'unsupported-version-2': ipc(b'x', version=2),
    'malformed-47-bytes': ipc(b'')[:47],
    'malformed-payload-past-the-end': ipc(b'abc', payload_length=4),
    'malformed-negative-payload': ipc(b'abc', payload_length=-1),
    'malformed-header-40': ipc(b'abc', header_length=40),
    'malformed-header-65535': ipc(b'abc', header_length=65535),
    'one-byte-version-1': b'\x01',
}


def write(module, package, clazz, method, seeds):
    folder = os.path.join(ROOT, module, 'src/test/resources', package.replace('.', '/'), clazz + 'Inputs', method)
    os.makedirs(folder, exist_ok=True)
    for name, data in seeds.items():
        with open(os.path.join(folder, 'seed-' + name), 'wb') as out:
            out.write(data.encode('utf-8') if isinstance(data, str) else data)


write('relay-wire', 'io.mcastrelay.wire', 'RelayV1DecoderFuzzTest', 'decodeSenderStream', SENDER)
write('relay-wire', 'io.mcastrelay.wire', 'RelayV1DecoderFuzzTest', 'decodeRelayStream', RELAY)
write('relay-wire', 'io.mcastrelay.wire', 'LengthPrefixedDecoderFuzzTest', 'decodeStream', LENGTH_PREFIXED)
write('relay-wire', 'io.mcastrelay.wire', 'ConfigurationTextFuzzTest', 'parseIpv4', IPV4)
write('relay-egress', 'io.mcastrelay.egress', 'MulticastAdapterFuzzTest', 'onFragment', IPC)
write('relay-ingress', 'io.mcastrelay.ingress', 'FrameHandlerFuzzTest', 'anyBytesInAnyReads', INGRESS)
# framesToAnyDestination builds its stream from a FuzzedDataProvider: any bytes make a valid input.
generator = random.Random(20261125)
write('relay-ingress', 'io.mcastrelay.ingress', 'FrameHandlerFuzzTest', 'framesToAnyDestination',
      {'random-%d' % size: bytes(generator.getrandbits(8) for _ in range(size)) for size in (300, 1000, 3000)})
write('relay-wire', 'io.mcastrelay.wire', 'ConfigurationTextFuzzTest', 'parseDestination', DESTINATION)
