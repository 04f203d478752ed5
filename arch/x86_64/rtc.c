/*
 * rtc.c - read the CMOS real-time clock once at boot, to anchor
 * CLOCK_REALTIME (kernel/time_syscalls.c adds the monotonic clock to it).
 */
#include <synthos/log.h>
#include <synthos/types.h>
#include <arch/cpu.h>

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v & 0xf) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Seconds since the epoch, from the RTC (assumed UTC, as QEMU provides). */
int64_t rtc_read_epoch(void)
{
	uint8_t sec, min, hour, day, mon, year, cent, regb;
	for (int tries = 0; tries < 1000; tries++) {
		while (cmos(0x0a) & 0x80)      /* update in progress */
			;
		sec = cmos(0x00); min = cmos(0x02); hour = cmos(0x04);
		day = cmos(0x07); mon = cmos(0x08); year = cmos(0x09); cent = cmos(0x32);
		if (sec == cmos(0x00))
			break;
	}
	regb = cmos(0x0b);
	bool bin = regb & 4;
	bool h24 = regb & 2;
	unsigned h = bcd(hour & 0x7f, bin);
	if (!h24 && (hour & 0x80))
		h = (h % 12) + 12;
	unsigned y = bcd(year, bin) + (cent ? bcd(cent, bin) * 100 : 2000);
	int64_t days = days_from_civil(y, bcd(mon, bin), bcd(day, bin));
	return days * 86400 + h * 3600 + bcd(min, bin) * 60 + bcd(sec, bin);
}
