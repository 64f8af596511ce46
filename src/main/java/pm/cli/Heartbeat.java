package pm.cli;

import pm.core.ErrorCode;
import pm.core.PmException;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/** {@code pm heartbeat}: one beat for shell scripts, from the PM_* variables pm gave the app. */
final class Heartbeat {
    private Heartbeat() {}

    static int send(CommandLine.Parsed p) throws Exception {
        String id = System.getenv("PM_PROCESS_ID");
        String secret = System.getenv("PM_HEARTBEAT_SECRET");
        String addr = System.getenv("PM_HEARTBEAT_ADDR");
        if (id == null || secret == null || addr == null || !addr.contains(":"))
            throw new PmException(ErrorCode.USAGE, CommandLine.PM + " heartbeat runs inside an app that pm started "
                    + "(PM_PROCESS_ID, PM_HEARTBEAT_SECRET and PM_HEARTBEAT_ADDR are not set)");
        int colon = addr.lastIndexOf(':');
        byte[] beat = ("PMHB1 " + id + " " + secret).getBytes(StandardCharsets.US_ASCII);
        try (var socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(beat, beat.length, InetAddress.getByName(addr.substring(0, colon)),
                    Integer.parseInt(addr.substring(colon + 1))));
        }
        return 0;
    }
}
