// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A plain TCP relay in front of a real update server that passes requests and answers through
 * unchanged, except for the first request whose request line starts with {@link #stallOn} (after
 * {@link #passFirst} such requests went through): that one it stalls or drops the way {@link #how}
 * says; a stall holds the client's connection open (and reads nothing more of it) until the relay
 * is closed. Requests are told apart by their Content-Length
 * (the admin client sends no chunked bodies); nothing here is the server's or the client's code.
 */
final class StallingRelay implements AutoCloseable {
    /** How the chosen request is stalled. */
    enum Stall {
        /** The request reaches the server; none of its answer reaches the client. */
        NO_ANSWER,
        /** The answer's status line and a few bytes of its headers reach the client, then nothing. */
        PART_OF_HEADERS,
        /** Half the request body reaches the server, whose connection is then cut; the client hears nothing. */
        MID_UPLOAD,
        /** Half the request body reaches the server, then both connections are cut at once. */
        CUT_BOTH,
        /** The request reaches the server; when its answer comes, the client's connection is closed instead. */
        CLOSE_INSTEAD_OF_ANSWER,
        /** The answer's first {@link #answerBytesBeforeCut} bytes (head included) reach the client, then its connection is closed. */
        CUT_ANSWER
    }

    private static final int MAX_HEAD = 64 * 1024;

    private final ServerSocket listener;
    private final int upstreamPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    /** Every request line that reached the server, whole or (MID_UPLOAD) cut. */
    final List<String> forwarded = new CopyOnWriteArrayList<>();
    volatile String stallOn = "";
    volatile Stall how = Stall.NO_ANSWER;
    /** Requests that match {@link #stallOn} and still pass before the one stalled. */
    volatile int passFirst;
    /** For {@link Stall#CUT_ANSWER}: bytes of the answer passed on before the cut. */
    volatile int answerBytesBeforeCut;
    /** How many requests were stalled: at most {@link #stallTimes}. */
    volatile int stalled;
    /** How many matching requests are stalled (Java's client sends a GET again once when its connection closed). */
    volatile int stallTimes = 1;
    /** MID_UPLOAD cuts the server's connection when this opens (the test first sees the upload under way). */
    final CountDownLatch cut = new CountDownLatch(1);

    StallingRelay(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptAll, "stalling-relay");
        accept.setDaemon(true);
        accept.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    private void acceptAll() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
                sockets.add(client);
                sockets.add(server);
                Connection c = new Connection(client, server);
                start(c::requests);
                start(c::answers);
            }
        } catch (IOException e) {
            // closed: the test is over
        }
    }

    private static void start(Runnable r) {
        Thread t = new Thread(r, "stalling-relay-conn");
        t.setDaemon(true);
        t.start();
    }

    private synchronized boolean takeStall(String requestLine) {
        if (stalled < stallTimes && requestLine.startsWith(stallOn)) {
            if (passFirst > 0) {
                passFirst--;
                return false;
            }
            stalled++;
            return true;
        }
        return false;
    }

    private void holdUntilClosed() {
        await(closing);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client connection and its own connection to the server. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        /** The stall of the request in flight (null: pass its answer through). */
        private volatile Stall answerStall;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void requests() {
            try {
                InputStream in = client.getInputStream();
                OutputStream out = server.getOutputStream();
                while (true) {
                    byte[] head = head(in);
                    if (head == null) {
                        server.shutdownOutput();
                        return;
                    }
                    String text = new String(head, StandardCharsets.ISO_8859_1);
                    String line = text.substring(0, text.indexOf("\r\n"));
                    byte[] body = in.readNBytes(contentLength(text));
                    Stall stall = takeStall(line) ? how : null;
                    forwarded.add(line);
                    if (stall == Stall.MID_UPLOAD || stall == Stall.CUT_BOTH) {
                        out.write(head);
                        out.write(body, 0, body.length / 2);
                        out.flush();
                        await(cut);
                        server.close();
                        if (stall == Stall.CUT_BOTH) {
                            client.close();
                        }
                        holdUntilClosed();
                        return;
                    }
                    answerStall = stall;
                    out.write(head);
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // either side closed
            }
        }

        void answers() {
            try {
                InputStream in = server.getInputStream();
                OutputStream out = client.getOutputStream();
                byte[] buf = new byte[8192];
                int n;
                long passed = 0;
                while ((n = in.read(buf)) > 0) {
                    Stall stall = answerStall;
                    if (stall == Stall.CLOSE_INSTEAD_OF_ANSWER) {
                        client.close();
                        return;
                    }
                    if (stall == Stall.CUT_ANSWER) {
                        int pass = (int) Math.min(n, answerBytesBeforeCut - passed);
                        out.write(buf, 0, pass);
                        out.flush();
                        passed += pass;
                        if (passed == answerBytesBeforeCut) {
                            client.close();
                            return;
                        }
                        continue;
                    }
                    if (stall == Stall.NO_ANSWER) {
                        holdUntilClosed();
                        return;
                    }
                    if (stall == Stall.PART_OF_HEADERS) {
                        String got = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                        out.write(buf, 0, Math.min(n, got.indexOf("\r\n") + 2 + 5));
                        out.flush();
                        holdUntilClosed();
                        return;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                client.shutdownOutput();
            } catch (IOException e) {
                // either side closed
            }
        }
    }

    /** A request's head up to its blank line, or null when the client closed between requests. */
    private static byte[] head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < MAX_HEAD && !head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
        }
        return head.toByteArray();
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, "Content-Length:".length())) {
                return Integer.parseInt(line.substring("Content-Length:".length()).strip());
            }
        }
        return 0;
    }

    /** The request lines that reached the server, in order. */
    List<String> forwarded() {
        return new ArrayList<>(forwarded);
    }

    @Override
    public void close() throws IOException {
        cut.countDown();
        closing.countDown();
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
