// SPDX-License-Identifier: Apache-2.0
package dev.fwdelta.tool.transport.dfu;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.usb4java.Context;
import org.usb4java.Device;
import org.usb4java.DeviceDescriptor;
import org.usb4java.DeviceHandle;
import org.usb4java.DeviceList;
import org.usb4java.LibUsb;

/** Control transfers to a DFU interface through libusb (usb4java). */
public final class Usb4JavaControl implements ControlTransfer {
    private static final byte OUT = (byte) 0x21; // class request, interface recipient, host to device
    private static final byte IN = (byte) 0xA1;
    private static final long TIMEOUT_MS = 5000;

    private final Context context;
    private final DeviceHandle handle;
    private final int iface;

    private Usb4JavaControl(Context context, DeviceHandle handle, int iface) {
        this.context = context;
        this.handle = handle;
        this.iface = iface;
    }

    /** Opens the first device with this VID:PID and claims its DFU interface (0). */
    public static Usb4JavaControl open(int vid, int pid) throws IOException {
        String id = String.format("%04x:%04x", vid, pid);
        UsbPlatform.requireSupported();
        Context context = new Context();
        int r;
        try {
            r = LibUsb.init(context);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            // usb4java wraps its loader's error: the cause says which library failed and why
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new IOException("USB unavailable (libusb could not be loaded on " + UsbPlatform.current() + "): "
                    + why.getMessage());
        }
        if (r != LibUsb.SUCCESS) {
            throw new IOException("USB unavailable (libusb init: " + LibUsb.strError(r) + "); cannot reach " + id);
        }
        DeviceList list = new DeviceList();
        try {
            int n = LibUsb.getDeviceList(context, list);
            if (n < 0) {
                throw new IOException("cannot list USB devices: " + LibUsb.strError(n));
            }
            for (Device d : list) {
                DeviceDescriptor desc = new DeviceDescriptor();
                if (LibUsb.getDeviceDescriptor(d, desc) == LibUsb.SUCCESS
                        && (desc.idVendor() & 0xFFFF) == vid && (desc.idProduct() & 0xFFFF) == pid) {
                    DeviceHandle h = new DeviceHandle();
                    int o = LibUsb.open(d, h);
                    if (o != LibUsb.SUCCESS) {
                        throw new IOException("cannot open USB device " + id + ": " + LibUsb.strError(o)
                                + " (permissions? a udev rule for the device)");
                    }
                    int c = LibUsb.claimInterface(h, 0);
                    if (c != LibUsb.SUCCESS) {
                        LibUsb.close(h);
                        throw new IOException("cannot claim the DFU interface of " + id + ": " + LibUsb.strError(c));
                    }
                    return new Usb4JavaControl(context, h, 0);
                }
            }
        } finally {
            LibUsb.freeDeviceList(list, true);
        }
        LibUsb.exit(context);
        throw new IOException("no USB device " + id + " found (is it connected and in DFU mode?)");
    }

    /** The DFU interface's string (DfuSe: the memory map, e.g. "@Internal Flash  /0x08000000/..."). */
    public String interfaceString() throws IOException {
        org.usb4java.ConfigDescriptor config = new org.usb4java.ConfigDescriptor();
        int r = LibUsb.getActiveConfigDescriptor(LibUsb.getDevice(handle), config);
        if (r != LibUsb.SUCCESS) {
            throw new IOException("cannot read the USB configuration: " + LibUsb.strError(r));
        }
        try {
            byte index = config.iface()[iface].altsetting()[0].iInterface();
            String s = LibUsb.getStringDescriptor(handle, index);
            if (s == null) {
                throw new IOException("the DFU interface has no string descriptor (no DfuSe memory map)");
            }
            return s;
        } finally {
            LibUsb.freeConfigDescriptor(config);
        }
    }

    @Override
    public void out(int request, int value, byte[] data) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(Math.max(1, data.length));
        buf.put(data);
        buf.rewind();
        int r = LibUsb.controlTransfer(handle, OUT, (byte) request, (short) value, (short) iface,
                data.length == 0 ? ByteBuffer.allocateDirect(0) : buf, TIMEOUT_MS);
        check(r, request);
    }

    @Override
    public byte[] in(int request, int value, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(length);
        int r = LibUsb.controlTransfer(handle, IN, (byte) request, (short) value, (short) iface, buf, TIMEOUT_MS);
        check(r, request);
        byte[] out = new byte[r];
        buf.get(out);
        return out;
    }

    private static void check(int r, int request) throws IOException {
        if (r == LibUsb.ERROR_PIPE) {
            throw new StallException("request " + request);
        }
        if (r < 0) {
            throw new IOException("USB control request " + request + " failed: " + LibUsb.strError(r));
        }
    }

    @Override
    public void close() {
        LibUsb.releaseInterface(handle, iface);
        LibUsb.close(handle);
        LibUsb.exit(context);
    }
}
