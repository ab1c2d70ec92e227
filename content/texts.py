"""Every sentence users read, in one place. Formatted with the HTML subset Telegram understands;
values that come from users are escaped by the caller (`content.render.esc`) before they go in."""

CONSENT_VERSION = "2026-11"

CAMPAIGN = "Mỗi ngày một tin tốt, mỗi tuần một câu chuyện đẹp"

WELCOME = (
    "Chào bạn! Mình là <b>Tin Tốt</b>, bạn đồng hành của phong trào "
    f"<i>“{CAMPAIGN}”</i> dành cho học sinh, sinh viên các trường nghề tỉnh Cao Bằng.\n\n"
    "Mỗi sáng bạn nhận một tin tốt, mỗi cuối tuần một câu chuyện đẹp; "
    "bạn cũng có thể gửi câu chuyện của mình để lan tỏa."
)

PRIVACY_NOTICE = (
    "<b>Trước khi bắt đầu, xin bạn đọc kỹ:</b>\n"
    "• Mình lưu: tên hiển thị của bạn trên ứng dụng chat, mã tài khoản chat, trường của bạn, "
    "bạn đã đủ 16 tuổi hay chưa, lựa chọn nhận tin và những câu chuyện bạn gửi.\n"
    "• Để làm gì: gửi tin tốt cho bạn, nhận và duyệt câu chuyện, thống kê số người tham gia "
    "theo từng trường (Kế hoạch 3361-KH/UBND tỉnh Cao Bằng).\n"
    "• Ai giữ: Ban tổ chức phong trào tại các trường nghề tỉnh Cao Bằng; không chia sẻ cho bên khác.\n"
    "• Câu chuyện được đăng chỉ kèm tên trường, không kèm tên bạn, trừ khi bạn đủ 16 tuổi và tự chọn hiện tên.\n"
    "• Quyền của bạn: xem lại (/bai), dừng nhận tin (/tat), rút lại đồng ý và xóa dữ liệu bất cứ lúc nào (/xoa).\n"
    "Mình không bao giờ hỏi số điện thoại, số căn cước, ngày sinh hay dân tộc của bạn.\n\n"
    "Bạn có đồng ý để Tin Tốt lưu và dùng các thông tin trên như vậy không?"
)
CONSENT_YES = "Tôi đồng ý"
CONSENT_NO = "Không đồng ý"
CONSENT_DECLINED = (
    "Mình tôn trọng lựa chọn của bạn: Tin Tốt không lưu thông tin gì của bạn. "
    "Khi nào muốn tham gia, bạn gõ /start nhé."
)

ASK_AGE = "Cảm ơn bạn! Bạn đã đủ 16 tuổi chưa?"
AGE_ADULT = "Từ 16 tuổi trở lên"
AGE_CHILD = "Dưới 16 tuổi"

ASK_SCHOOL = "Bạn đang học ở trường nào?"
NO_SCHOOLS = "Danh sách trường đang trống. Ban tổ chức sẽ sớm cập nhật, bạn quay lại sau nhé."
JOINED = (
    "Xong rồi! Bạn đã tham gia cùng <b>{school}</b>.\n"
    "Mỗi ngày lúc {daily} bạn nhận một tin tốt, {weekly} một câu chuyện đẹp.\n\n"
    "Gõ /gui để gửi câu chuyện của bạn, /huongdan để xem các lệnh."
)
WELCOME_BACK = "Chào mừng bạn trở lại! Bạn đang tham gia cùng <b>{school}</b>. Gõ /huongdan để xem các lệnh."
SCHOOL_CHANGED = "Đã chuyển bạn sang <b>{school}</b>."
UNKNOWN_SCHOOL_CODE = "Mã trường “{code}” không có trong danh sách. Bạn chọn trường của mình bên dưới nhé."
CHOOSE_FROM_LIST = "Bạn chọn một trong các lựa chọn ở trên (bấm nút hoặc trả lời bằng số) nhé."

NOT_JOINED = "Bạn chưa tham gia phong trào. Gõ /start để bắt đầu nhé."
FINISH_JOINING = "Bạn chưa hoàn tất việc tham gia. Gõ /start để tiếp tục nhé."

ASK_STORY = (
    "Hãy kể câu chuyện đẹp hoặc tin tốt của bạn: gửi một đoạn văn (từ {min} đến {max} ký tự), "
    "hoặc một ảnh kèm chú thích.\nMuốn thôi, bạn gõ lệnh khác bất kỳ, ví dụ /huongdan."
)
ASK_CAPTION = "Ảnh đẹp quá! Bạn viết thêm vài dòng kể về bức ảnh nhé (từ {min} đến {max} ký tự)."
STORY_TOO_LONG = (
    "Câu chuyện của bạn dài {length} ký tự, quá giới hạn {max} ký tự. "
    "Bạn rút gọn lại rồi gửi lần nữa nhé; câu chuyện chưa được lưu."
)
STORY_TOO_SHORT = "Câu chuyện hơi ngắn (cần ít nhất {min} chữ cái hoặc chữ số). Bạn kể thêm một chút nhé."
STORY_WRONG_KIND = (
    "Mình chỉ nhận câu chuyện dạng chữ, hoặc ảnh kèm chú thích; nhãn dán, tệp hay tin nhắn thoại "
    "thì chưa nhận được. Bạn gửi lại giúp mình nhé."
)
STORY_RECEIVED = (
    "Đã nhận câu chuyện <b>#{id}</b> của bạn. Ban biên tập sẽ đọc và báo kết quả cho bạn. "
    "Gõ /bai để xem trạng thái."
)
OFFER_STORY = "Bạn muốn gửi tin nhắn này làm câu chuyện cho ban biên tập không?\n\n<i>{preview}</i>"
OFFER_SEND = "Gửi làm câu chuyện"
OFFER_DROP = "Không gửi"
OFFER_DROPPED = "Mình không lưu tin nhắn đó. Khi muốn gửi câu chuyện, bạn gõ /gui."
# What screening found that publishing hides, told to the author on submission (`shown` is masked).
STORY_DATA_HIDDEN = "🔒 Câu chuyện có {found}. Để giữ an toàn cho bạn, phần này sẽ được che khi đăng."
HIDDEN_ON_PUBLISHING = {
    "phone": "số điện thoại {shown}",
    "cccd": "số căn cước (CCCD) {shown}",
    "idnumber": "số chứng minh nhân dân {shown}",
    "email": "địa chỉ e-mail {shown}",
    "bank": "dãy số giống số tài khoản {shown}",
    "handle": "tên tài khoản mạng xã hội {shown}",
}
ASK_SHOW_NAME = (
    "Khi đăng câu chuyện #{id}, bạn muốn hiện tên mình hay chỉ tên trường? "
    "Chưa chọn thì chỉ ghi tên trường; đổi lúc nào cũng được bằng /ten {id}."
)
NAME_USAGE = "/ten SỐ_BÀI, ví dụ /ten 12 (số bài xem bằng /bai)"
SHOW_NAME_CHILD = "Bạn dưới 16 tuổi nên câu chuyện của bạn chỉ ghi tên trường, không bao giờ kèm tên bạn."
SHOW_NAME_TOO_LATE = "Câu chuyện #{id} đã đăng chỉ với tên trường nên không thêm tên bạn được nữa."
BYLINE_NAME = "kèm tên bạn"
BYLINE_SCHOOL = "chỉ tên trường"
MY_STORIES_NAME_HINT = "Đổi cách ghi tên cho một câu chuyện: /ten SỐ_BÀI"
SHOW_NAME_YES = "Hiện tên tôi"
SHOW_NAME_NO = "Chỉ tên trường"
SHOW_NAME_SET = "Đã ghi nhận: câu chuyện #{id} sẽ được đăng kèm tên bạn."
SHOW_NAME_UNSET = "Đã ghi nhận: câu chuyện #{id} chỉ ghi tên trường."
NEW_STORY_FOR_MODERATORS = "Có câu chuyện mới <b>#{id}</b> từ {school}. Gõ /cho để xem."

MY_STORIES_NONE = "Bạn chưa gửi câu chuyện nào. Gõ /gui để gửi câu chuyện đầu tiên!"
MY_STORIES_TITLE = "<b>Câu chuyện của bạn</b>"
STATUS_PENDING = "đang chờ duyệt"
STATUS_APPROVED_DAILY = "đã duyệt, chờ đăng làm tin tốt mỗi ngày"
STATUS_APPROVED_WEEKLY = "đã duyệt, chờ đăng làm câu chuyện của tuần"
STATUS_REJECTED = "chưa được duyệt: {reason}"
STATUS_PUBLISHED = "đã đăng ngày {date}"

PAUSED = "Đã tạm dừng nhận tin. Gõ /bat khi muốn nhận lại."
RESUMED = "Đã bật lại: bạn sẽ nhận tin tốt mỗi ngày và câu chuyện mỗi tuần."
ALREADY_PAUSED = "Bạn đang tạm dừng nhận tin rồi. Gõ /bat khi muốn nhận lại."
ALREADY_RESUMED = "Bạn vẫn đang nhận tin đều đặn."

CONFIRM_ERASE = (
    "Bạn chắc chắn muốn xóa dữ liệu của mình? Tên, mã tài khoản chat, những câu chuyện chưa đăng "
    "(cả chữ và ảnh) và mọi liên kết tới câu chuyện đã đăng sẽ bị xóa ngay; bạn sẽ không nhận tin nữa. "
    "Số liệu thống kê chỉ còn ở dạng ẩn danh."
)
ERASE_YES = "Xóa dữ liệu của tôi"
ERASE_NO = "Thôi, giữ lại"
ERASED = "Đã xóa dữ liệu của bạn. Cảm ơn bạn đã đồng hành! Gõ /start nếu muốn tham gia lại."
ERASE_CANCELLED = "Đã giữ nguyên dữ liệu của bạn."

HELP_TITLE = "<b>Các lệnh của Tin Tốt</b>"
HELP_BANNED = "Tài khoản của bạn đang bị tạm khóa nên chưa gửi được câu chuyện hay báo cáo. Lý do: {reason}"
HELP_MODERATOR_TITLE = "<b>Dành cho ban biên tập</b>"
HELP_SCHOOL_MODERATOR_TITLE = "<b>Dành cho người kiểm duyệt của {school}</b>"
UNKNOWN_COMMAND = "Mình chưa hiểu lệnh /{command}. Gõ /huongdan để xem các lệnh."
PLAIN_TEXT_HINT = "Mình chưa hiểu tin nhắn này. Muốn gửi câu chuyện, bạn gõ /gui; xem các lệnh: /huongdan."
UNSUPPORTED_MESSAGE = "Mình chưa đọc được loại tin nhắn này. Gõ /huongdan để xem mình làm được gì."
OPTION_EXPIRED = "Lựa chọn này đã cũ. Gõ /huongdan để xem các lệnh."
INTERNAL_ERROR = "Xin lỗi, mình gặp trục trặc khi xử lý tin nhắn. Bạn thử lại sau ít phút nhé."

NOT_MODERATOR = "Xin lỗi, lệnh này chỉ dành cho ban biên tập."
NOT_ADMIN = "Xin lỗi, lệnh này chỉ dành cho quản trị viên."
USAGE = "Cách dùng: {usage}"
STORY_NOT_FOUND = "Không tìm thấy câu chuyện #{id}."
ALREADY_DECIDED = "Câu chuyện #{id} đã được {who} {verb} lúc {when}."
VERB_APPROVED = "duyệt"
VERB_REJECTED = "từ chối"
VERB_PUBLISHED = "duyệt và đăng"
VERB_RETRACTED = "gỡ xuống"
QUEUE_EMPTY = "Không có câu chuyện nào đang chờ duyệt."
QUEUE_TITLE = "<b>{count} câu chuyện đang chờ duyệt</b> (cũ nhất trước)"
QUEUE_MORE = "… và {count} câu chuyện nữa. Duyệt xong những bài trên rồi gõ /cho để xem tiếp."
QUEUE_ITEM = "<b>#{id}</b> · {school} · gửi {when}\n\n{text}"
QUEUE_ITEM_HINT = "Gõ /duyet {id}, /duyet {id} tuan hoặc /tuchoi {id} LÝ_DO."
# Who wrote a story, for moderators; "#N" is the handle /chan and /bochan take (no platform id shown).
STORY_AUTHOR = "Người gửi: {name} (chặn: /chan #{id} LÝ_DO)"
STORY_AUTHOR_GONE = "Người gửi: đã xóa dữ liệu"
MEMBER_UNNAMED = "thành viên không có tên hiển thị"
AUTHOR_GONE = (
    "Câu chuyện #{id} không còn gắn với người gửi nào (người gửi đã xóa dữ liệu, hoặc đây là tin "
    "của ban biên tập): không có ai để chặn hay bỏ chặn."
)
BUTTON_APPROVE_DAILY = "✅ Duyệt: tin ngày"
BUTTON_APPROVE_WEEKLY = "⭐ Duyệt: chuyện tuần"
BUTTON_REJECT = "❌ Từ chối"
APPROVED = "Đã duyệt câu chuyện #{id} làm {slot}."
SLOT_DAILY = "tin tốt mỗi ngày"
SLOT_WEEKLY = "câu chuyện của tuần"
DECIDED_BY = "\n\n<i>{verb} bởi {who} lúc {when}</i>"
ASK_REJECT_REASON = (
    "Bạn nhập lý do từ chối câu chuyện #{id} (tác giả sẽ đọc được), ví dụ: "
    "“chưa rõ nguồn tin”, “có lời lẽ chưa phù hợp với Quy tắc ứng xử trên mạng xã hội”."
)
REASON_TOO_SHORT = "Lý do cần ít nhất {min} ký tự, để người đọc hiểu vì sao (ví dụ “chưa rõ nguồn tin”)."
REJECTED = "Đã từ chối câu chuyện #{id}. Tác giả đã được báo lý do."
AUTHOR_APPROVED = "Tin vui! Câu chuyện <b>#{id}</b> của bạn đã được duyệt và sẽ được đăng làm {slot}. Cảm ơn bạn!"
AUTHOR_REJECTED = (
    "Câu chuyện <b>#{id}</b> của bạn chưa được duyệt.\nLý do: {reason}\n"
    "Bạn có thể chỉnh lại và gửi lần nữa bằng /gui nhé."
)
NEWS_ADDED = "Đã thêm tin <b>#{id}</b> vào hàng chờ tin tốt mỗi ngày."
NEWS_FLAGGED = "Tin sẽ được đăng đúng như bạn viết. Nếu cần sửa, gỡ bằng /go {id} LÝ_DO rồi thêm lại."
NEWS_TOO_SHORT = "Tin cần ít nhất {min} ký tự. Cách dùng: /tin NỘI_DUNG"

MEMBER_NOT_FOUND = "Không tìm thấy thành viên {ref}. Người đó cần nhắn /start cho bot trước."
MOD_NOT = "{name} không có quyền biên tập."
MOD_IS_ADMIN = "{name} là quản trị viên, được đặt trong cấu hình của bot; không đổi bằng lệnh."
YOU_ARE_NO_LONGER_MODERATOR = "Quyền biên tập của bạn đã được thu lại. Cảm ơn bạn đã đóng góp!"

NO_ENROLMENT = "chưa có sĩ số"
TOTAL = "Tổng"
# Column headers, and Excel sheet names too: none of the characters Excel refuses there, ≤ 31 long.
INDICATORS = {
    "members": "Thành viên",
    "subscribed": "Đang nhận tin",
    "reach": "Độ phủ (% sĩ số)",
    "active": "Tương tác 7 ngày",
    "active_rate": "Tỷ lệ tương tác (% sĩ số)",
    "delivered": "Tin đã gửi",
    "reactions": "Lượt thả cảm xúc",
    "submitted": "Bài gửi",
    "approved": "Bài được duyệt",
    "published": "Bài đã đăng",
    "taken_down": "Bài bị gỡ",
    "announced": "Thông báo của trường",
    "active_channels": "Kênh hoạt động",
}
SCHOOL_CODE = "Mã trường"
SCHOOL_NAME = "Trường"
ENROLMENT = "Sĩ số"
PERIOD_RANGE = "{first}–{last}"
PERIOD_SINCE_START = "từ đầu đến {last}"
TARGETS_LINE = "Mục tiêu Kế hoạch 3361-KH/UBND: học sinh tương tác thường xuyên ≥ {targets}."
TARGET_ITEM = "{percent} năm {year}"
STATS_TITLE = "<b>Thống kê theo trường, {period}</b>"
STATS_LEGEND = "thành viên · nhận tin · tương tác 7 ngày (tỷ lệ trên sĩ số) · bài gửi/duyệt/đăng"
STATS_ROW = "{school}: {members} · {subscribed} · {active} ({rate}) · {submitted}/{approved}/{published}"
STATS_TOTAL = "<b>Tổng</b>: {members} · {subscribed} · {active} ({rate}) · {submitted}/{approved}/{published}"
STATS_PUSHES = "Tin đã gửi: {delivered} · lượt thả cảm xúc: {reactions}."
STATS_USAGE = "/thongke [tuan|thang] — không ghi gì: từ đầu chiến dịch"
CHART_TITLE = "Học sinh tương tác trong 7 ngày trên sĩ số — {period}"
CHART_AXIS = "% sĩ số"
CHART_TARGET = "Mục tiêu {year}: {percent}"
CHART_CAPTION = "Tỷ lệ học sinh tương tác trong 7 ngày, {period}."
ENROLMENT_USAGE = "/siso MÃ_TRƯỜNG SĨ_SỐ, ví dụ /siso {code} {enrolment}"
ENROLMENT_UNKNOWN_SCHOOL = "Không có trường mã “{code}”. Gõ /siso với một mã trong danh sách: {codes}."
ENROLMENT_SET = "Đã đặt sĩ số <b>{school}</b>: {old} → {new} học sinh."

KIND_NAMES = {"daily": "Tin tốt", "weekly": "Câu chuyện tuần"}
POST_TITLES = {"daily": "☀️ <b>Tin tốt hôm nay</b> · {date}", "weekly": "🌟 <b>Câu chuyện đẹp của tuần</b> · {date}"}
REACTIONS = {"heart": "❤️", "clap": "👏"}
REACTED = "Cảm ơn bạn đã thả {emoji}!"
ALREADY_REACTED = "Bạn đã thả {emoji} cho tin này rồi."
# Zalo takes photos only by a public URL; without one, the post says where its photo is.
PHOTO_ON_OTHER_CHANNEL = "📷 Tin này có kèm ảnh: mời bạn xem ảnh trên kênh Telegram của Tin Tốt."
PUBLISHED_NOW = "Đã đăng {kind} ngày {date} (câu chuyện #{id}) tới {count} người. Gõ /tiendo để xem tiến độ."
ALREADY_PUBLISHED = "{kind} ngày {date} đã được đăng lúc {when}, không gửi lại. Gõ /tiendo để xem tiến độ."
PUSH_QUEUE_EMPTY = {
    "daily": (
        "⚠️ Hàng chờ tin tốt đang trống: chưa có gì để gửi ngày {date}. "
        "Hãy duyệt thêm bài (/cho) hoặc thêm tin (/tin); tin sẽ được gửi ngay khi có, trước 21:00."
    ),
    "weekly": (
        "⚠️ Chưa có câu chuyện của tuần cho ngày {date}: không có bài duyệt làm chuyện tuần, "
        "cũng chưa có tin tốt nào trong tuần. Hãy duyệt một bài bằng /duyet SỐ tuan."
    ),
}
QUEUE_LOW = "⚠️ Hàng chờ chỉ còn {count} tin tốt, chưa đủ cho 2 ngày tới. Hãy duyệt thêm bài (/cho) hoặc thêm tin (/tin)."
QUIET_HOURS = "Bây giờ là giờ nghỉ (21:00–06:00), Tin Tốt không gửi tin để khỏi làm phiền các bạn. Bạn đăng lại sau 06:00 nhé."
SLOT_SKIPPED = (
    "{kind} ngày {date} chưa được gửi vì bot không hoạt động đến sau 21:00; "
    "đã bỏ qua để không làm phiền học sinh ban đêm."
)
AUTHOR_PUBLISHED = "Câu chuyện <b>#{id}</b> của bạn vừa được gửi tới các bạn trong phong trào. Cảm ơn bạn đã lan tỏa điều tốt đẹp!"
CALENDAR_TITLE = "<b>Lịch đăng 7 ngày tới</b>"
CALENDAR_NOTHING = "⚠️ chưa có tin"
CALENDAR_SENT = "đã đăng #{id}"
CALENDAR_QUEUED = "#{id} {preview}"
CALENDAR_WEEKLY_AUTO = "tin được thả ❤️ nhiều nhất trong tuần"
CALENDAR_QUEUE = "Hàng chờ: {count} tin tốt."
PROGRESS_NONE = "Chưa có đợt gửi nào."
PROGRESS = (
    "<b>{kind} ngày {date}</b> (câu chuyện #{id}, {total} người nhận)\n"
    "Đã gửi: {sent} · Lỗi: {failed} · Chặn bot: {blocked} · Không rõ: {unknown} · Đang chờ: {waiting}\n"
    "{eta}"
)
PROGRESS_DONE = "Đã gửi xong."
PROGRESS_ETA = "Tốc độ {rate} tin/giây, dự kiến xong lúc {when}."
PROGRESS_UNKNOWN_NOTE = "(“Không rõ”: tin đang gửi khi bot dừng đột ngột; không gửi lại để tránh trùng.)"
PUSH_OUTAGE = (
    "⚠️ Kênh {channel} đang không gửi được tin (máy chủ của nền tảng hoặc mạng gặp sự cố). "
    "Đợt gửi tạm dừng {seconds} giây rồi tự thử lại; không tin nào bị bỏ."
)

# --- Safety: screening, limits, bans, reports, takedowns, odd updates ---------------------------
SCREEN_FLAGS = {
    "phone": "⚠️ có số điện thoại: {shown}",
    "cccd": "⚠️ có số căn cước (CCCD): {shown}",
    "idnumber": "⚠️ có số chứng minh nhân dân: {shown}",
    "email": "⚠️ có địa chỉ e-mail: {shown}",
    "bank": "⚠️ có dãy số giống số tài khoản: {shown}",
    "link": "⚠️ có đường link: {shown}",
    "handle": "⚠️ có tên tài khoản mạng xã hội: {shown}",
    "offensive": "⚠️ có từ ngữ thô tục: {shown}",
    "duplicate": "⚠️ trùng với #{shown}",
    "reported": "⚠️ bị {shown} thành viên báo cáo, cần xem lại",
    "edited": "✏️ đã được {shown} sửa",
}
NO_MASK_WORD = "khongche"
MASK_CHILD = "Tác giả dưới 16 tuổi: thông tin bị đánh dấu luôn được che, không bỏ che được."
STORY_NO_SUBSTANCE = (
    "Tin nhắn này chưa có chữ hay số nào nên mình chưa nhận làm câu chuyện. "
    "Bạn viết câu chuyện bằng chữ nhé (ít nhất {min} chữ cái hoặc chữ số)."
)
EDIT_USAGE = "/sua SỐ_BÀI VĂN_BẢN_MỚI, ví dụ /sua 12 Lớp em trồng 50 cây xanh…"
EDITED = "Đã sửa câu chuyện #{id} (bản gốc vẫn được lưu).{flags}"
AUTHOR_EDITED = (
    "Ban biên tập đã chỉnh sửa câu chuyện <b>#{id}</b> của bạn trước khi duyệt "
    "(ví dụ để bỏ thông tin cá nhân). Gõ /bai để xem."
)
STORIES_PER_DAY_REACHED = (
    "Hôm nay bạn đã gửi {limit} câu chuyện, đủ giới hạn mỗi ngày rồi. "
    "Ngày mai bạn gửi tiếp nhé; câu chuyện này chưa được lưu."
)
SLOW_DOWN = "Bạn gửi nhanh quá, mình chưa kịp đọc. Bạn chậm lại một chút nhé: trong 1 phút tới mình sẽ tạm không trả lời."
BAN_USAGE = (
    "/chan #SỐ_BÀI LÝ_DO (người gửi bài đó) hoặc /chan KÊNH:ID LÝ_DO, ví dụ /chan #12 gửi tin quảng cáo "
    "nhiều lần; /chan không kèm gì: danh sách đang bị chặn"
)
UNBAN_USAGE = "/bochan #SỐ_BÀI (người gửi bài đó) hoặc /bochan KÊNH:ID, ví dụ /bochan #12"
BANNED = "Đã chặn {name}: không gửi được câu chuyện, không nhận tin nữa. Lý do: {reason}"
ALREADY_BANNED = "{name} đang bị chặn rồi (lý do: {reason})."
UNBANNED = "Đã bỏ chặn {name}."
NOT_BANNED = "{name} không bị chặn."
CANNOT_BAN_MODERATOR = "Không chặn được {name}: người này là thành viên ban biên tập hoặc quản trị viên."
NOT_YOUR_MEMBER = "thành viên này"
BANS_NONE = "Không có ai đang bị chặn."
BANS_TITLE = "<b>Đang bị chặn</b>"
BANS_ITEM = "{ref} · {name} · từ {when} · {reason}"
YOU_ARE_BANNED = (
    "Tài khoản của bạn đã bị ban biên tập tạm khóa: bạn không gửi được câu chuyện và không nhận tin. "
    "Lý do: {reason}"
)
YOU_ARE_UNBANNED = "Ban biên tập đã mở khóa tài khoản của bạn: bạn lại gửi được câu chuyện và nhận tin như trước."
REPORT_BUTTON = "⚠️ Báo nội dung"
REPORT_USAGE = "/baocao SỐ_BÀI [LÝ_DO], ví dụ /baocao 12 hoặc /baocao 12 thông tin chưa đúng"
REPORT_NOT_PUBLISHED = "Câu chuyện #{id} chưa được đăng, không cần báo cáo."
REPORTED = "Cảm ơn bạn đã báo cáo câu chuyện #{id}. Ban biên tập sẽ xem lại."
ALREADY_REPORTED = "Bạn đã báo cáo câu chuyện #{id} rồi. Ban biên tập sẽ xem lại."
REPORT_FOR_MODERATORS = "⚠️ Câu chuyện <b>#{id}</b> đã đăng bị thành viên báo cáo ({count} lượt).{reason}{review}"
REPORT_REASON = "\nLý do người báo cáo đưa ra: {reason}"
REPORT_REVIEW = "\nĐã đủ {count} lượt báo cáo: cần xem lại. Gỡ bài: /go {id} LÝ_DO"
TAKEDOWN_USAGE = "/go SỐ_BÀI LÝ_DO, ví dụ /go 12 thông tin chưa chính xác"
TAKEDOWN_NOT_POSSIBLE = "Câu chuyện #{id} ({status}): chỉ gỡ được bài đã duyệt hoặc đã đăng."
TAKEN_DOWN_SCHEDULED = "Đã gỡ câu chuyện #{id} khỏi lịch đăng."
TAKEN_DOWN_PUBLISHED = "Đã gỡ câu chuyện #{id}.{deleting}{kept}"
TAKEDOWN_DELETING = " Đang xóa {count} tin đã gửi trên Telegram."
TAKEDOWN_KEPT = "\nKhông xóa được {count} tin: {causes}."
# Why a pushed message stays (only the causes that apply are named).
TAKEDOWN_KEPT_NO_DELETE = "{count} tin trên {channel} (không cho bot xóa)"
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "console": "console"}
TAKEDOWN_KEPT_TOO_OLD = "{count} tin gửi quá 48 giờ"
TAKEDOWN_KEPT_UNKNOWN = "{count} tin không rõ đã tới hay chưa"
TAKEDOWN_DONE = "Gỡ câu chuyện #{id}: đã xóa {deleted} tin; {failed} tin không xóa được."
AUTHOR_TAKEN_DOWN = "Câu chuyện <b>#{id}</b> của bạn đã được ban biên tập gỡ xuống. Lý do: {reason}"
STATUS_TAKEN_DOWN = "đã gỡ xuống: {reason}"
ERASED_PUBLISHED = (
    "Những câu chuyện bạn gửi mà chưa đăng đã được xóa hẳn. Các câu chuyện đã đăng vẫn còn, "
    "không kèm tên bạn: {ids}. Muốn gỡ, bạn nhờ ban biên tập của trường."
)
GROUP_CHAT = (
    "Chào mọi người! Tin Tốt chỉ trò chuyện riêng với từng bạn: bạn nhắn riêng cho bot "
    "để tham gia nhé. Trong nhóm này mình sẽ không trả lời nữa."
)
EDITED_MESSAGE = "Mình không đọc lại được tin nhắn đã sửa. Bạn gửi tin mới giúp mình nhé."
UNBLOCKED = "Chào mừng bạn quay lại! Gõ /bat để nhận tin tốt mỗi ngày trở lại."
# --- The web: story wall, feeds, dashboard and its login links ---
WEB_SITE_NAME = "Tin Tốt Cao Bằng"
WEB_KINDS = {"daily": "Tin tốt", "weekly": "Câu chuyện đẹp"}
WEB_NOT_FOUND_TITLE = "Không tìm thấy trang"
WEB_NOT_FOUND = "Trang này không có hoặc chưa được đăng. Mời bạn xem các câu chuyện khác trên trang chủ."
WEB_UNKNOWN_SCHOOL = "Không có trường với mã này. Mời bạn chọn trường trong danh sách trên trang chủ."
WEB_RETRACTED_TITLE = "Câu chuyện đã được gỡ"
WEB_RETRACTED = "Ban biên tập đã gỡ câu chuyện này. Mời bạn xem các câu chuyện khác trên trang chủ."
WEB_LOGIN_LINK = (
    "Đường dẫn vào bảng điều khiển (dùng được một lần, trong {minutes} phút):\n{url}\n"
    "Đừng chuyển đường dẫn này cho người khác."
)
WEB_LINKS_UNAVAILABLE = (
    "Bot chưa có địa chỉ web công khai nên chưa tạo được đường dẫn. "
    "Bạn báo quản trị viên cấu hình giúp nhé."
)
DASHBOARD_TITLE = "Bảng điều khiển"
WEB_LOGIN_TITLE = "Đăng nhập bảng điều khiển"
WEB_LOGIN_FAILED_TITLE = "Đường dẫn không dùng được"
WEB_LOGIN_FAILED = (
    "Đường dẫn đăng nhập này đã được dùng, đã quá 10 phút, hoặc không đúng. "
    "Bạn nhắn /web cho bot Tin Tốt để nhận đường dẫn mới."
)
WEB_BAD_PERIOD_TITLE = "Khoảng thời gian không đúng"
WEB_BAD_PERIOD = (
    "Ngày phải có dạng NNNN-TT-NN (ví dụ 2026-11-30), ngày đầu không sau ngày cuối, "
    "và khoảng thời gian phải nằm trong các ngày từ 01/01/2025 đến hôm nay."
)
WEB_INVITE = (
    f"“{CAMPAIGN}” là phong trào của học sinh, sinh viên các trường nghề Cao Bằng: "
    "nhắn bot Tin Tốt để nhận tin tốt mỗi sáng và gửi câu chuyện đẹp của bạn."
)
WEB_ZALO_START = "Trên Zalo, nhắn “start {code}” cho bot để chọn trường."
# Error pages by HTTP status (404 and 410 above); any other status reads as WEB_ERROR.
WEB_ERRORS = {
    400: ("Yêu cầu không hợp lệ", "Trang không hiểu yêu cầu này. Mời bạn quay lại trang chủ và thử lại."),
    403: ("Không được phép", "Yêu cầu này không được chấp nhận. Nếu bạn đang đăng nhập, hãy mở lại đường dẫn bot gửi."),
    405: ("Không làm được thao tác này", "Địa chỉ này không nhận kiểu yêu cầu bạn gửi. Mời bạn quay lại trang chủ."),
    413: ("Nội dung quá lớn", "Nội dung gửi lên quá lớn nên không được nhận."),
}
WEB_ERROR = ("Có lỗi xảy ra", "Trang đang gặp sự cố. Mời bạn thử lại sau ít phút.")
WEB_OTHER_ORIGIN = (
    "Yêu cầu đăng nhập này đến từ một trang khác nên không được chấp nhận. "
    "Bạn hãy bấm trực tiếp vào đường dẫn bot Tin Tốt gửi."
)

# --- Telegram channel cross-posts ---
CROSSPOST_LINK = "📖 Đọc và chia sẻ: {url}"
AUTHOR_SHARE_LINK = "Chia sẻ câu chuyện của bạn lên Zalo, Facebook bằng đường dẫn: {url}"
CROSSPOST_REFUSED = (
    "⚠️ Bot không đăng được lên kênh Telegram {channel}: bot chưa là quản trị viên có quyền đăng bài "
    "(hoặc kênh không tồn tại). Hãy thêm bot làm quản trị viên kênh; các tin khác vẫn gửi bình thường."
)
CHANNEL_USAGE = "/kenh MÃ_TRƯỜNG @tên_kênh (đặt kênh), /kenh MÃ_TRƯỜNG bo (bỏ kênh), /kenh (xem các kênh)"
CHANNEL_BAD_ID = "“{channel}” không phải kênh Telegram. Cần @tên_kênh hoặc mã kênh dạng -100…"
CHANNEL_SET = (
    "Đã đặt kênh {channel} cho <b>{school}</b>: các câu chuyện của trường được đăng sẽ lên cả kênh này. "
    "Nhớ thêm bot làm quản trị viên kênh với quyền đăng bài; nếu chưa, bot sẽ báo ngay lần đăng đầu."
)
CHANNEL_REMOVED = "Đã bỏ kênh Telegram của <b>{school}</b>."
CHANNEL_LIST_TITLE = "<b>Kênh Telegram đăng lại tin</b>"
CHANNEL_LIST_CAMPAIGN = "Kênh của phong trào: {channel}"
CHANNEL_LIST_NONE = "chưa đặt"

# --- Schools' own corner: roles, school queues, school announcements, muting them ---------------
NOT_EDITOR = "Xin lỗi, lệnh này chỉ dành cho biên tập viên toàn tỉnh và quản trị viên."
UNKNOWN_SCHOOL_CODES = "Không có trường mã “{code}”. Các mã trường: {codes}."
NOT_YOUR_SCHOOL = "Bạn kiểm duyệt cho {own}; {what} thuộc <b>{school}</b>, bạn không làm được việc này."
NOT_YOUR_STORY = "câu chuyện #{id}"
NOT_YOUR_SCHOOL_QUEUE = "hàng chờ này"
NOT_YOUR_SCHOOL_ANNOUNCEMENT = "thông báo này"
NOT_YOUR_SCHOOL_ENROLMENT = "sĩ số này"
NO_SCHOOL = "cấp tỉnh"
QUEUE_EMPTY_SCHOOL = "Không có câu chuyện nào của {school} đang chờ duyệt."
QUEUE_TITLE_SCHOOL = "<b>{school}: {count} câu chuyện đang chờ duyệt</b> (cũ nhất trước)"

MOD_USAGE = "/mod KÊNH:ID (biên tập viên toàn tỉnh) hoặc /mod KÊNH:ID MÃ_TRƯỜNG (kiểm duyệt một trường), ví dụ /mod telegram:123456789 CDCB"
BOMOD_USAGE = "/bomod KÊNH:ID, ví dụ /bomod telegram:123456789"
ROLE_EDITOR = "biên tập viên toàn tỉnh"
ROLE_SCHOOL_MODERATOR = "người kiểm duyệt của {school}"
MOD_GRANTED_AS = "Đã cấp quyền cho {name}: {role}."
MOD_ALREADY_AS = "{name} đã là {role} rồi."
MOD_TARGET_BANNED = (
    "Không cấp quyền được cho {name}: người này đang bị chặn (lý do: {reason}). "
    "Muốn cấp quyền, trước hết bỏ chặn bằng /bochan {ref}."
)
MOD_REMOVED_AS = "Đã bỏ quyền {role} của {name}."
YOU_ARE_NOW = "Bạn vừa được cấp quyền: {role}. Gõ /huongdan để xem các lệnh mới."
TEAM_TITLE = "<b>Ban biên tập</b>"
TEAM_ADMINS = "Quản trị viên: {names}"
TEAM_EDITORS = "Biên tập viên toàn tỉnh: {names}"
TEAM_SCHOOL = "{school} ({code}): {names}"
TEAM_NOBODY = "chưa có ai"

ANNOUNCE_USAGE = "/thongbao NỘI_DUNG (hoặc gửi ảnh kèm chú thích /thongbao NỘI_DUNG)"
ANNOUNCE_USAGE_EDITOR = "/thongbao MÃ_TRƯỜNG NỘI_DUNG, ví dụ /thongbao CDCB Chiều thứ Sáu họp Đoàn trường lúc 14:00"
ANNOUNCE_TOO_LONG = "Thông báo dài {length} ký tự, quá giới hạn {max} ký tự. Bạn rút gọn rồi gửi lại nhé."
ANNOUNCE_PREVIEW = (
    "<b>Xem trước thông báo</b> (học sinh sẽ nhận như trên).\n"
    "Gửi tới <b>{count}</b> học sinh của {school} đang nhận tin. Bạn xác nhận gửi chứ?"
)
ANNOUNCE_PREVIEW_QUIET = "Bây giờ là giờ nghỉ (21:00–06:00): nếu xác nhận, thông báo sẽ được gửi lúc 06:00."
BUTTON_ANNOUNCE_SEND = "📣 Gửi"
BUTTON_ANNOUNCE_CANCEL = "Hủy"
ANNOUNCE_CANCELLED = "Đã hủy thông báo, không gửi cho ai."
ANNOUNCE_HELD_CANCELLED = "Đã hủy thông báo đang chờ đến sáng: thông báo sẽ không được gửi cho ai."
ANNOUNCE_SENT = "Đã gửi thông báo của {school} tới {count} học sinh. Gõ /tiendo để xem tiến độ."
ANNOUNCE_HELD = (
    "Bây giờ là giờ nghỉ (21:00–06:00): thông báo của {school} sẽ được gửi lúc {when}, "
    "không làm phiền học sinh ban đêm. Đến lúc đó bạn vẫn có thể hủy."
)
ANNOUNCE_RELEASED = "Thông báo của {school} đã bắt đầu được gửi tới {count} học sinh. Gõ /tiendo để xem tiến độ."
ANNOUNCE_LIMIT = (
    "{school} đã có {limit} thông báo trong ngày {date}, đủ giới hạn mỗi ngày. "
    "Bạn gửi lại vào ngày mai nhé."
)
ANNOUNCE_DONE_ALREADY = "Thông báo này đã được xử lý rồi."
ANNOUNCE_PREVIEW_EXPIRED = "Bản xem trước này đã quá 1 giờ nên không gửi nữa. Bạn gõ lại /thongbao để xem số người nhận mới nhất nhé."
ANNOUNCE_TITLE = "📣 <b>Thông báo của {school}</b>"

PROGRESS_ANNOUNCEMENT = (
    "<b>Thông báo của {school} ngày {date}</b> ({total} người nhận)\n"
    "Đã gửi: {sent} · Lỗi: {failed} · Chặn bot: {blocked} · Không rõ: {unknown} · Đang chờ: {waiting}\n"
    "{eta}"
)

SCHOOL_NEWS_OFF = "Đã tắt thông báo của trường. Bạn vẫn nhận tin tốt mỗi ngày và câu chuyện mỗi tuần. Gõ /bat truong để bật lại."
SCHOOL_NEWS_ON = "Đã bật lại thông báo của trường."
SCHOOL_NEWS_ALREADY_OFF = "Thông báo của trường đang tắt rồi. Gõ /bat truong để bật lại."
SCHOOL_NEWS_ALREADY_ON = "Bạn vẫn đang nhận thông báo của trường."
PAUSE_USAGE = "/tat (dừng mọi tin) hoặc /tat truong (chỉ tắt thông báo của trường)"
RESUME_USAGE = "/bat (nhận lại mọi tin) hoặc /bat truong (bật thông báo của trường)"

CHANNELS_LINE = "{active}/{schools} trường có kênh hoạt động ({share}); mục tiêu Kế hoạch 3361-KH/UBND: {targets}."

# The console at a terminal (`tintot console`, `tintot run` with no token): plain text, no HTML.
CONSOLE_GREETING = "Tin Tốt (console) — bạn là “{user}”. Gõ /start để bắt đầu, Ctrl-D để thoát."
