"""WIB (Asia/Jakarta): the zone the kiosk, its printouts and the server count days in.

Defined here once, in the lowest package that every other one (kiosk, printing,
mpp_server) may import.
"""

from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
