//! The Vietnamese face of the command line: every about, long about, argument help and value
//! help of [`super::Cli`], plus clap's own words (usage, section headings, the built-in help
//! and version flags).
//!
//! The clap derive structs stay the English source (and the man pages stay English); when the
//! language resolves to Vietnamese, [`localize`] rewrites a built `clap::Command` from the
//! tables below, keyed by command path (`"kyso sign"`) and argument id. A path of `"*"` serves
//! an argument shared by several commands (the flattened key, TSA and evidence groups, the
//! global `--lang`); the tests check that its English text is the same everywhere it is used.
//! The tests also fail when a command, argument or value lacks a Vietnamese text, when a
//! table row no longer matches anything, and when the English a row was translated from has
//! changed since: each row carries a fingerprint (`en`, FNV-1a of the English texts) that the
//! failing test prints afresh, to be copied once the Vietnamese is brought up to date.

use clap::builder::PossibleValue;
use clap::{Arg, Command};

/// A command's Vietnamese about and (when the English has one) long about.
pub(crate) struct CommandText {
    pub(crate) path: &'static str,
    /// Fingerprint of the English about and long about this row translates.
    // Only the tests compare it with the English.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) en: u32,
    pub(crate) about: &'static str,
    pub(crate) long_about: Option<&'static str>,
}

/// An argument's Vietnamese help and (when the English has one) long help.
pub(crate) struct ArgText {
    pub(crate) path: &'static str,
    pub(crate) id: &'static str,
    /// Fingerprint of the English help and long help this row translates.
    // Only the tests compare it with the English.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) en: u32,
    pub(crate) help: &'static str,
    pub(crate) long_help: Option<&'static str>,
}

/// The Vietnamese help of one possible value of a value-enum argument.
pub(crate) struct ValueText {
    pub(crate) path: &'static str,
    pub(crate) id: &'static str,
    pub(crate) value: &'static str,
    /// Fingerprint of the English help this row translates.
    // Only the tests compare it with the English.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) en: u32,
    pub(crate) help: &'static str,
}

const fn cmd(
    path: &'static str,
    en: u32,
    about: &'static str,
    long: Option<&'static str>,
) -> CommandText {
    CommandText {
        path,
        en,
        about,
        long_about: long,
    }
}

const fn arg(path: &'static str, id: &'static str, en: u32, help: &'static str) -> ArgText {
    ArgText {
        path,
        id,
        en,
        help,
        long_help: None,
    }
}

const fn val(
    path: &'static str,
    id: &'static str,
    value: &'static str,
    en: u32,
    help: &'static str,
) -> ValueText {
    ValueText {
        path,
        id,
        value,
        en,
        help,
    }
}

// clap's own words.
/// clap's "Usage:" (also in usage errors).
pub(crate) const USAGE: &str = "Cách dùng:";
const OPTIONS: &str = "Tùy chọn";
const ARGUMENTS: &str = "Đối số";
const COMMANDS_HEADING: &str = "Lệnh";
const DEFAULT: &str = "mặc định";
const ENV: &str = "biến môi trường";
const POSSIBLE_VALUES: &str = "giá trị";
const POSSIBLE_VALUES_LONG: &str = "Các giá trị:";
const PRINT_HELP: &str = "In trợ giúp";
const PRINT_HELP_MORE: &str = "In trợ giúp (xem đầy đủ với '--help')";
const PRINT_HELP_SUMMARY: &str = "In trợ giúp (xem tóm tắt với '-h')";
const PRINT_VERSION: &str = "In số phiên bản";
/// clap's generated `help` subcommand, and its argument.
const HELP_COMMAND: &str = "In trợ giúp này hoặc trợ giúp của (các) lệnh con đã cho";
const HELP_COMMAND_ARG: &str = "In trợ giúp của (các) lệnh con";
/// The English about of clap's generated `help` subcommand, to recognise it.
pub(crate) const CLAP_HELP_ABOUT: &str =
    "Print this message or the help of the given subcommand(s)";

/// Section headings set with `next_help_heading`, English to Vietnamese.
pub(crate) const HEADINGS: &[(&str, &str)] = &[
    ("Key source", "Nguồn khóa ký"),
    ("PDF signature", "Chữ ký PDF"),
    ("XML signature", "Chữ ký XML"),
    (
        "Signing roles (Decree 30/2020) and configuration",
        "Vai trò ký (Nghị định 30/2020) và cấu hình",
    ),
    ("Time-stamp authority", "Máy chủ cấp dấu thời gian (TSA)"),
    (
        "Long-term validation data",
        "Dữ liệu kiểm tra dài hạn (LTV)",
    ),
];

pub(crate) const COMMANDS: &[CommandText] = &[
    cmd(
        "kyso", 0x30aae97c,
        "Ký số, kiểm tra và gắn dấu thời gian cho văn bản PDF và XML bằng USB token (PKCS#11) \
         và tệp khóa",
        Some(
            "Ký số, kiểm tra và gắn dấu thời gian cho văn bản PDF và XML bằng USB token (PKCS#11) \
             và tệp khóa\n\n\
             Mã thoát: 0 thành công (đã ký hết, mọi chữ ký đạt, chuỗi chứng thư hợp lệ); 1 có mục \
             không đạt (một tệp chưa ký được, một chữ ký không đạt, một chuỗi không hợp lệ); 2 lỗi \
             cách dùng hoặc lỗi đọc/ghi; 3 kết quả kiểm tra chỉ ở mức chưa xác định (không có \
             chứng thư gốc tin cậy, không rõ trạng thái thu hồi). Khi đường ống phía sau bị đóng, \
             kyso thoát mà không báo lỗi.",
        ),
    ),
    cmd(
        "kyso sign", 0x86f902c0,
        "Ký văn bản PDF hoặc XML, từng tệp hoặc cả loạt",
        Some(
            "Ký văn bản PDF hoặc XML, từng tệp hoặc cả loạt\n\n\
             Văn bản PDF được ký theo kiểu cập nhật nối tiếp (PAdES): các byte của tệp đầu vào \
             được giữ nguyên làm phần đầu của tệp kết quả. Văn bản XML nhận chữ ký XMLDSig (XAdES \
             khi có --xades). Định dạng được nhận biết từ nội dung. Tệp đầu vào không bao giờ bị \
             sửa.\n\
             Mỗi tệp kết quả được ghi ra một tệp tạm bên cạnh đích, ghi hẳn xuống đĩa rồi đổi tên \
             vào đúng chỗ. Cả loạt chỉ cần đăng nhập token một lần.\n\n\
             Ví dụ:\n  \
             kyso sign --p12 me.p12 --pass-env P12_PASS in.pdf -o out.pdf\n  \
             kyso sign --pkcs11 /usr/lib/softhsm/libsofthsm2.so --pin-env PIN incoming/ --out-dir signed/\n  \
             kyso sign --profile approve --image chu-ky.png --anchor \"Nguyễn Văn A\" to-trinh.pdf\n  \
             kyso sign --profile issue --image con-dau.png --doc-number 12/QĐ-UBND to-trinh.signed.pdf\n  \
             kyso sign --as vanthu incoming/ --out-dir signed/\n  \
             kyso sign --p12 me.p12 --pass-env P12_PASS --detached data.pdf -o data.pdf.sig.xml",
        ),
    ),
    cmd(
        "kyso verify", 0xcae5b913,
        "Kiểm tra mọi chữ ký trong văn bản PDF và XML, từng tệp hoặc cả thư mục",
        Some(
            "Kiểm tra mọi chữ ký trong văn bản PDF và XML, từng tệp hoặc cả thư mục\n\n\
             Chữ ký PDF (PAdES, PKCS#7), chữ ký XML (XMLDSig, XAdES) và gói tin edXML được nhận \
             biết từ nội dung. Gói tin edXML được kiểm tra theo từng lớp: chữ ký của chính gói \
             tin, rồi chữ ký của mọi tệp PDF nó mang theo (tên attachment[TÊN]/TRƯỜNG), trong cùng \
             một báo cáo.\n\n\
             Mỗi chữ ký nhận một kết luận PASSED (đạt), FAILED (không đạt) hoặc INDETERMINATE \
             (chưa xác định) theo ETSI EN 319 102-1, kèm kết luận phụ và lý do, cùng các thông \
             tin quy định của Việt Nam yêu cầu: tổ chức cấp chứng thư số, người ký, đơn vị quản \
             lý, thời gian ký hoặc dấu thời gian, tính toàn vẹn, hiệu lực tại thời điểm ký và thời \
             hạn của chứng thư số. Thư mục được duyệt đệ quy; định dạng được nhận biết từ nội \
             dung, không theo phần mở rộng.\n\n\
             Đầu ra JSON (`--json`: một văn bản JSON cho mỗi tệp; `--jsonl`: một dòng cho mỗi tệp) \
             có các trường file, format, error, problems[] ({code, message}: điều --expect thấy \
             còn thiếu) và signatures[]; mỗi chữ ký có id, kind, indication, sub_indication, \
             level, signer, organization, holder (personal hoặc organization), issuer, \
             certificate_not_before, certificate_not_after, signing_time, timestamp, format, \
             coverage và reasons[] ({code, message}). Các trường chỉ được thêm, không bao giờ bị \
             bỏ.\n\n\
             Mức PAdES (level): B-B cho chữ ký ETSI.CAdES.detached có thuộc tính ký ràng buộc \
             chứng thư số của người ký (signing-certificate-v2) và không có signing-time; B-T khi \
             có dấu thời gian chữ ký còn nguyên vẹn hoặc dấu thời gian văn bản bao phủ chữ ký; \
             B-LT khi DSS chứa đủ chứng thư số và dữ liệu thu hồi để xác thực chuỗi chứng thư \
             của người ký (và chuỗi của TSA cấp dấu thời gian chữ ký) tại thời điểm đó; B-LTA \
             khi có thêm dấu thời gian văn bản bao phủ DSS đó. Chữ ký adbe.pkcs7.* và dấu thời \
             gian văn bản có mức none. Mức chỉ nói tệp chứa gì; CA gốc có được tin cậy hay \
             không là việc của kết luận.\n\n\
             Thay đổi sau khi ký: DSS/VRI, dấu thời gian văn bản, chữ ký vào trường chữ ký mới \
             hoặc còn trống, điền biểu mẫu và chú thích được phép trong phạm vi chứng nhận \
             (DocMDP /P) cho phép. Khóa trường (FieldMDP: /Lock của trường hoặc /Reference của \
             chữ ký, /All, /Include hoặc /Exclude một danh sách trường) cấm thay đổi hoặc ký vào \
             các trường nó khóa và cấm thêm trường chữ ký hiển thị hoặc đã ký có tên thuộc phạm \
             vi khóa, nên sau khóa mọi trường chỉ còn được thêm dấu thời gian văn bản ẩn; /P \
             của khóa (PDF 2.0) thu hẹp quyền như một chứng nhận. Mọi thay đổi khác làm chữ ký \
             không đạt (mã lý do modified-after-signing, permission-violated, \
             lock-permission-violated, field-locked).\n\n\
             Mã thoát: 0 mọi chữ ký đạt; 1 có chữ ký không đạt (hoặc tệp chưa ký khi có \
             --require-signature, hoặc tệp thiếu điều --expect yêu cầu); 3 chỉ có kết quả chưa \
             xác định; 2 lỗi cách dùng hoặc lỗi đọc/ghi.\n\n\
             Ví dụ:\n  \
             kyso verify signed.pdf\n  \
             kyso verify --trust root.pem goi-tin.edxml\n  \
             kyso verify --jsonl -j2 archive/ > report.jsonl\n  \
             find archive -name '*.pdf' | kyso verify --files-from - --csv",
        ),
    ),
    cmd(
        "kyso timestamp", 0x5e295dac,
        "Gắn dấu thời gian RFC 3161 cho tệp qua máy chủ cấp dấu thời gian, hoặc kiểm tra dấu \
         thời gian đó",
        Some(
            "Gắn dấu thời gian RFC 3161 cho tệp qua máy chủ cấp dấu thời gian, hoặc kiểm tra dấu \
             thời gian đó\n\n\
             Mọi tệp nhận một dấu thời gian tách rời FILE.tsr bên cạnh (toàn bộ TimeStampResp của \
             TSA, đọc được bằng `openssl ts -verify -in FILE.tsr -data FILE`). Tệp PDF thì nhận \
             dấu thời gian văn bản (ETSI.RFC3161) dưới dạng cập nhật nối tiếp, trừ khi có \
             --detached; tệp PDF được thay thế nguyên khối và chỉ khi đã có dấu thời gian, nên \
             TSA lỗi thì mọi tệp đầu vào vẫn nguyên vẹn. Mỗi tệp in ra một dòng.\n\n\
             Với --verify, kiểm tra FILE so với FILE.tsr (hoặc tệp .tsr ghi ngay sau nó): giá trị \
             băm của dữ liệu, chữ ký của TSA, chuỗi chứng thư của TSA tới chứng thư gốc tin cậy \
             với mục đích sử dụng mở rộng id-kp-timeStamping bắt buộc, kiểm tra tại thời điểm \
             genTime của dấu thời gian (nên genTime nằm trong thời hạn của chứng thư số), và với \
             --query thì cả nonce của yêu cầu gốc.\n\n\
             Mã thoát: 0 mọi tệp đã được gắn (hoặc kiểm tra) dấu thời gian; 1 có tệp không thành \
             công; 2 lỗi cách dùng.\n\n\
             Ví dụ:\n  \
             kyso timestamp --tsa http://tsa.example/tsr report.zip invoice.xml\n  \
             kyso timestamp --tsa http://tsa.example/tsr contract.pdf\n  \
             kyso timestamp --verify --trust tsa-root.pem report.zip report.zip.tsr",
        ),
    ),
    cmd(
        "kyso ltv", 0x30749c65,
        "Thêm dữ liệu kiểm tra dài hạn vào tệp PDF đã ký (PAdES B-LT, B-LTA)",
        Some(
            "Thêm dữ liệu kiểm tra dài hạn vào tệp PDF đã ký (PAdES B-LT, B-LTA)\n\n\
             Với mỗi chữ ký và dấu thời gian văn bản của từng tệp PDF, kyso thu thập các chứng \
             thư trong chuỗi của người ký và của các máy chủ cấp dấu thời gian, lấy bằng chứng \
             thu hồi của chúng (phản hồi OCSP, hoặc CRL khi không có máy chủ OCSP) một lần cho mỗi \
             chứng thư, rồi thêm tất cả vào kho bảo mật văn bản (DSS) với một mục VRI cho mỗi chữ \
             ký, dưới dạng cập nhật nối tiếp: B-LT. Với --archive, một dấu thời gian văn bản được \
             thêm phủ lên DSS: B-LTA. Với --renew, chỉ những bản lưu trữ có dấu thời gian cuối \
             được tạo bằng chứng thư TSA sắp hết hạn trong --renew-within ngày mới nhận DSS mới và \
             dấu thời gian mới (--dry-run liệt kê chúng và không thay đổi gì).\n\n\
             Tệp PDF được cập nhật tại chỗ (nguyên khối: một tệp tạm được đổi tên đè lên tệp \
             gốc); khi lỗi, tệp vẫn nguyên vẹn. Mỗi tệp in ra một dòng.\n\n\
             Mã thoát: 0 mọi tệp đã xong; 1 có tệp không thành công; 2 lỗi cách dùng.\n\n\
             Ví dụ:\n  \
             kyso ltv signed.pdf\n  \
             kyso ltv --archive --tsa http://tsa.example/tsr archive/*.pdf\n  \
             kyso ltv --renew --dry-run --renew-within 180 archive/*.pdf",
        ),
    ),
    cmd(
        "kyso token", 0x419468bb,
        "Xem thông tin token PKCS#11: thư viện, khe cắm, chứng thư số",
        None,
    ),
    cmd(
        "kyso token list", 0xed39b881,
        "Liệt kê thư viện, các khe cắm và các token đang có",
        Some(
            "Liệt kê thư viện, các khe cắm và các token đang có\n\n\
             Ví dụ: kyso token list --pkcs11 /usr/lib/softhsm/libsofthsm2.so",
        ),
    ),
    cmd(
        "kyso token certs", 0x1589e3e2,
        "Liệt kê các chứng thư số trên token và cho biết mỗi chứng thư có khóa bí mật tương ứng \
         hay không",
        Some(
            "Liệt kê các chứng thư số trên token và cho biết mỗi chứng thư có khóa bí mật tương \
             ứng hay không\n\n\
             Ví dụ: kyso token certs --pkcs11 /usr/lib/softhsm/libsofthsm2.so --token kyso-test",
        ),
    ),
    cmd(
        "kyso chain", 0x63c6d565,
        "Xây dựng và kiểm tra chuỗi chứng thư số",
        None,
    ),
    cmd(
        "kyso chain validate", 0x0597d126,
        "Xây dựng đường dẫn từ một chứng thư số tới chứng thư gốc tin cậy và kiểm tra nó (RFC \
         5280)",
        Some(
            "Xây dựng đường dẫn từ một chứng thư số tới chứng thư gốc tin cậy và kiểm tra nó (RFC \
             5280)\n\n\
             Ví dụ: kyso chain validate signer.pem --trust root.pem --untrusted ca.pem --json",
        ),
    ),
    cmd(
        "kyso trust", 0x1f22bfb3,
        "Quản lý các chứng thư gốc tin cậy mà kyso dùng để kiểm tra",
        None,
    ),
    cmd(
        "kyso trust install", 0xcf015111,
        "Cài đặt các chứng thư số có dấu vân tay nằm trong danh mục ghim",
        Some(
            "Cài đặt các chứng thư số có dấu vân tay nằm trong danh mục ghim\n\n\
             Ví dụ: kyso trust install ../shared/trust/vn/",
        ),
    ),
    cmd(
        "kyso trust list", 0xae54ee03,
        "Hiện các chứng thư gốc đã cài và những chứng thư danh mục còn chờ",
        Some(
            "Hiện các chứng thư gốc đã cài và những chứng thư danh mục còn chờ\n\n\
             Ví dụ: kyso trust list --json",
        ),
    ),
    cmd(
        "kyso generate", 0xe71d83eb,
        "Ghi các tệp sinh tự động (trang man)",
        None,
    ),
    cmd(
        "kyso generate man", 0x2d20f601,
        "Ghi các trang man vào một thư mục",
        None,
    ),
];

pub(crate) const ARGS: &[ArgText] = &[
    // Shared by every command.
    arg("*", "lang", 0x8d61a4de, "Ngôn ngữ của thông báo và báo cáo"),
    // kyso sign
    arg(
        "kyso sign",
        "inputs",
        0x43696aa2,
        "Tệp hoặc thư mục (tìm đệ quy các tệp *.pdf và *.xml); - là đọc từ đầu vào chuẩn",
    ),
    arg(
        "kyso sign",
        "output",
        0x64452a4c,
        "Tệp kết quả khi chỉ có một tệp đầu vào (- là ghi ra đầu ra chuẩn)",
    ),
    arg(
        "kyso sign",
        "out_dir",
        0x01871c57,
        "Thư mục ghi các tệp đã ký, giữ nguyên tên tệp đầu vào",
    ),
    arg(
        "kyso sign",
        "force",
        0x8bcc917e,
        "Ghi đè tệp kết quả đã tồn tại",
    ),
    arg(
        "kyso sign",
        "json",
        0x1fa9ae33,
        "In một đối tượng JSON cho mỗi tệp thay cho các dòng chữ",
    ),
    // kyso sign: key source
    arg(
        "*",
        "pkcs11",
        0xcb9014b2,
        "Thư viện PKCS#11 của USB token (ví dụ /usr/lib/softhsm/libsofthsm2.so); nếu không có \
         nó, và không có --p12 hay --key, kyso dùng thư viện ghi trong KYSO_PKCS11_MODULE",
    ),
    arg(
        "*",
        "token",
        0xcb1d8d9a,
        "Token cần dùng, theo nhãn (mặc định: token duy nhất đang cắm)",
    ),
    arg(
        "*",
        "slot",
        0xcb7bfd48,
        "Token cần dùng, theo số khe cắm (slot ID)",
    ),
    arg(
        "*",
        "key_label",
        0x702d387b,
        "Khóa cần dùng, theo CKA_LABEL",
    ),
    arg(
        "*",
        "key_id",
        0xfa1475ba,
        "Khóa cần dùng, theo CKA_ID dạng hex",
    ),
    arg(
        "*",
        "cert_sha256",
        0x33e59d34,
        "Khóa cần dùng, theo dấu vân tay SHA-256 của chứng thư số, dạng hex",
    ),
    arg(
        "kyso sign",
        "pin_env",
        0xcc353941,
        "Đọc mã PIN của token từ biến môi trường này",
    ),
    arg(
        "kyso sign",
        "pin_file",
        0xa3e4083c,
        "Đọc mã PIN của token từ dòng đầu tiên của tệp này",
    ),
    arg(
        "kyso sign",
        "pin_stdin",
        0xf9480af9,
        "Đọc mã PIN của token từ dòng đầu tiên của đầu vào chuẩn",
    ),
    arg(
        "*",
        "p12",
        0xcc668cbb,
        "Tệp PKCS#12 (.p12, .pfx) chứa khóa và chứng thư số của nó",
    ),
    arg(
        "*",
        "pass_env",
        0x4b29c58d,
        "Đọc mật khẩu của tệp PKCS#12 hoặc khóa PEM từ biến môi trường này",
    ),
    arg(
        "*",
        "pass_file",
        0x23538338,
        "Đọc mật khẩu của tệp PKCS#12 hoặc khóa PEM từ dòng đầu tiên của tệp này",
    ),
    arg(
        "*",
        "key",
        0xefb2ffb5,
        "Tệp khóa bí mật PEM (dùng kèm --cert)",
    ),
    arg(
        "*",
        "cert",
        0x77e31c19,
        "Chứng thư số PEM của khóa trong --key",
    ),
    arg(
        "*",
        "chain",
        0x0cced8b3,
        "Tệp PEM chứa các chứng thư số khác cần nhúng kèm (chứng thư trung gian)",
    ),
    arg(
        "*",
        "pss",
        0xcc9a88f5,
        "Ký bằng RSASSA-PSS thay cho PKCS#1 v1.5 (khóa RSA)",
    ),
    // kyso sign: PDF signature
    arg("*", "subfilter", 0x3bff4313, "SubFilter của chữ ký"),
    arg(
        "kyso sign",
        "field",
        0xe71e1d7a,
        "Tên trường chữ ký: một trường trống có sẵn, hoặc một trường mới mang tên đó",
    ),
    arg(
        "kyso sign",
        "page",
        0x8b9feec7,
        "Trang đặt chữ ký hiển thị (1 = trang đầu, -1 = trang cuối)",
    ),
    arg(
        "kyso sign",
        "rect",
        0x1b23fa1b,
        "Hình chữ nhật của chữ ký hiển thị, theo điểm PDF: x1,y1,x2,y2 tính từ góc dưới bên \
         trái",
    ),
    arg(
        "kyso sign",
        "text",
        0xaee626bb,
        "Dòng chữ của chữ ký hiển thị (lặp lại để thêm dòng; mặc định: người ký và thời gian)",
    ),
    arg(
        "kyso sign",
        "image",
        0xa978c13e,
        "Ảnh PNG (giữ nền trong suốt) của chữ ký hiển thị",
    ),
    arg(
        "kyso sign",
        "font",
        0x4d51f428,
        "Phông TrueType cho chữ hiển thị (mặc định: tìm phông DejaVu Sans có sẵn)",
    ),
    arg("kyso sign", "reason", 0xa71fcd23, "Lý do ký"),
    arg("kyso sign", "location", 0x0e972810, "Nơi ký"),
    arg(
        "kyso sign",
        "contact",
        0xaa98ece0,
        "Cách liên hệ với người ký",
    ),
    arg(
        "kyso sign",
        "certify",
        0xf198b76d,
        "Tạo chữ ký chứng nhận với mức DocMDP này (1: không được sửa, 2: được điền biểu mẫu, 3: \
         được điền biểu mẫu và thêm chú thích)",
    ),
    // kyso sign: XML signature
    arg(
        "kyso sign",
        "enveloping",
        0x00cdd7f8,
        "Đặt văn bản vào trong chữ ký (enveloping) thay vì đặt chữ ký vào trong văn bản \
         (enveloped, mặc định)",
    ),
    arg(
        "kyso sign",
        "detached",
        0x796ae727,
        "Ký FILE, bất kể định dạng, bằng một chữ ký XML tách rời tham chiếu tới nó theo đường \
         dẫn tương đối so với chữ ký (ghi ra FILE.sig.xml, hoặc theo -o/--out-dir); lặp lại để \
         ký thêm tệp",
    ),
    arg(
        "kyso sign",
        "xml_parent",
        0xc9fd36cb,
        "Phần tử để gắn chữ ký enveloped vào: #ID hoặc tên cục bộ (mặc định: phần tử gốc)",
    ),
    arg(
        "kyso sign",
        "xades",
        0xe725c583,
        "Thêm các thuộc tính XAdES baseline B-B (SigningTime, SigningCertificateV2)",
    ),
    // kyso sign: signing roles and configuration
    arg(
        "kyso sign",
        "profile",
        0x72d226c0,
        "Ký theo vai trò văn thư: approve (lãnh đạo: ảnh chữ ký màu xanh giữa chức vụ và họ \
         tên), issue (cơ quan: ảnh con dấu màu đỏ đúng kích thước thật, trùm lên một phần ba \
         bên trái chữ ký approve), attach (tài liệu kèm theo: số và thời gian ở góc trên bên \
         phải trang 1), copy (SAO Y / SAO LỤC / TRÍCH SAO, tên cơ quan và thời gian ở góc trên \
         bên phải trang 1)",
    ),
    arg(
        "kyso sign",
        "anchor",
        0xcb94e962,
        "approve: tìm dòng chữ TEXT (thường là họ tên người ký in trên văn bản), đặt ảnh chữ ký \
         căn giữa theo chiều ngang trên dòng chữ đó và theo chiều dọc giữa nó và dòng phía trên \
         (chức vụ). Tìm trên --page nếu có, nếu không thì trên trang cuối cùng có dòng chữ đó; \
         trên trang ấy, lần xuất hiện cuối cùng được chọn. Không tìm thấy là lỗi, không bao giờ \
         đoán. issue: đóng dấu lên chữ ký ngay phía trên TEXT thay vì chữ ký mới nhất (văn bản \
         liên tịch có nhiều khối chữ ký)",
    ),
    arg(
        "kyso sign",
        "seal_mm",
        0x2bddcda6,
        "issue: chiều rộng in ra của con dấu, tính bằng milimét (mặc định: theo DPI của tệp PNG)",
    ),
    arg(
        "kyso sign",
        "doc_number",
        0xaac63868,
        "Số và ký hiệu văn bản (ví dụ 1247/QĐ-UBND): ghi vào lý do ký của chữ ký; attach in nó \
         ra",
    ),
    arg(
        "kyso sign",
        "doc_date",
        0x37d95730,
        "Ngày của văn bản (ví dụ 06/03/2026 hoặc 2026-03-06): ghi vào lý do ký của chữ ký",
    ),
    arg(
        "kyso sign",
        "doc_number_field",
        0xf65fc885,
        "issue: điền --doc-number vào trường văn bản NAME của mẫu (chỉ đọc, phông Liberation \
         Serif) [mặc định: trường văn bản tên SoVanBan, SoKyHieu, SoHieu, So hoặc DocNumber, \
         nếu văn bản có]",
    ),
    arg(
        "kyso sign",
        "doc_date_field",
        0xef324670,
        "issue: điền --doc-date dạng dd/MM/yyyy vào trường văn bản NAME của mẫu (chỉ đọc, phông \
         Liberation Serif) [mặc định: trường văn bản tên NgayBanHanh, NgayVanBan, Ngay hoặc \
         DocDate, nếu văn bản có]",
    ),
    arg(
        "kyso sign",
        "fill_blanks",
        0x26e2e698,
        "issue: in --doc-number vào chỗ trống sau \"Số:\" ở trang 1 (chỉ phần trước dấu '/' khi \
         mẫu đã in sẵn ký hiệu sau chỗ trống) và ngày, tháng của --doc-date vào chỗ trống sau \
         \"ngày\" và \"tháng\" (05, 01, 02: thêm số 0 trước ngày nhỏ hơn 10 và tháng 1, tháng \
         2), cùng cỡ chữ với chữ xung quanh. Do chính các ô hiển thị chỉ đọc của chữ ký ban \
         hành in ra: nội dung trang và chữ ký approve vẫn nguyên vẹn. Không tìm thấy chỗ trống \
         là lỗi, không bao giờ đoán",
    ),
    arg(
        "kyso sign",
        "copy_type",
        0xf30a969c,
        "copy: loại bản sao in trong dấu góc",
    ),
    arg(
        "kyso sign",
        "agency",
        0x72331591,
        "copy: tên cơ quan sao văn bản (mặc định: O của chứng thư số, nếu không có thì OU)",
    ),
    arg(
        "kyso sign",
        "time_format",
        0x407b5c8c,
        "Mẫu thời gian ký mà attach và copy in ra, theo giờ Việt Nam: dd MM yyyy yy HH mm ss và \
         zzz (độ lệch múi giờ, +07:00, bắt buộc); chữ trong 'dấu nháy đơn' được giữ nguyên \
         [mặc định: dd/MM/yyyy HH:mm:ss zzz]",
    ),
    arg(
        "kyso sign",
        "setup",
        0x71596083,
        "Bắt đầu từ cấu hình có tên này trong tệp cấu hình (token, khóa, ảnh, vai trò, …); tùy \
         chọn ghi trên dòng lệnh được ưu tiên",
    ),
    arg(
        "kyso sign",
        "config",
        0x14f1c533,
        "Tệp cấu hình [mặc định: ./kyso.toml (hoặc của thư mục cha) chồng lên \
         ~/.config/kyso/config.toml]",
    ),
    // Time-stamp authority (sign, timestamp, ltv)
    arg(
        "*",
        "tsa_urls",
        0xdc650217,
        "URL của máy chủ cấp dấu thời gian RFC 3161; lặp lại để có máy chủ dự phòng, thử lần \
         lượt",
    ),
    arg(
        "*",
        "tsa_hash",
        0x5fb3648c,
        "Hàm băm của giá trị băm dữ liệu (message imprint) trong dấu thời gian",
    ),
    arg(
        "*",
        "tsa_policy",
        0x49d5b104,
        "OID chính sách TSA cần yêu cầu (reqPolicy)",
    ),
    arg(
        "*",
        "tsa_user",
        0x38d6a3fe,
        "Tên người dùng để xác thực HTTP basic với TSA",
    ),
    arg(
        "*",
        "tsa_pass_env",
        0xe4ad3c42,
        "Biến môi trường chứa mật khẩu TSA cho xác thực HTTP basic",
    ),
    arg(
        "*",
        "tsa_header",
        0x6f7dcd64,
        "Tiêu đề HTTP bổ sung gửi tới TSA, dạng \"Name: value\" (lặp lại được)",
    ),
    arg(
        "*",
        "tsa_token_env",
        0xa235da3b,
        "Biến môi trường chứa bearer token, gửi dưới dạng \"Authorization: Bearer TOKEN\"",
    ),
    arg(
        "*",
        "tsa_timeout",
        0xe12e1b7e,
        "Số giây chờ mỗi TSA trước khi thử máy chủ tiếp theo",
    ),
    // Long-term validation data (sign --ltv, ltv)
    arg(
        "kyso sign",
        "ltv",
        0xf1ea703c,
        "Thêm dữ liệu kiểm tra của người ký và của TSA vào DSS ngay sau khi ký (PAdES B-LT khi \
         có --tsa)",
    ),
    arg(
        "*",
        "ltv_crl",
        0xcfbb0a1f,
        "CRL bổ sung lưu vào DSS (PEM hoặc DER), ví dụ CRL của chứng thư gốc cho một chứng thư \
         trung gian không có điểm phân phối CRL (lặp lại được)",
    ),
    arg(
        "*",
        "ltv_cert",
        0x99a21500,
        "Chứng thư số bổ sung để xây dựng chuỗi, ví dụ chứng thư trung gian mà chữ ký thiếu \
         (lặp lại được)",
    ),
    arg(
        "*",
        "ltv_timeout",
        0xb25a9afb,
        "Số giây chờ mỗi máy chủ OCSP hoặc mỗi lần tải CRL",
    ),
    // kyso verify
    arg(
        "kyso verify",
        "paths",
        0x6c4bbc32,
        "Tệp hoặc thư mục cần kiểm tra",
    ),
    arg(
        "kyso verify",
        "files_from",
        0x14c747bf,
        "Đọc thêm đường dẫn, mỗi dòng một đường dẫn, từ tệp này (- là đầu vào chuẩn)",
    ),
    arg("kyso verify", "format", 0x3fea702d, "Định dạng đầu ra"),
    arg(
        "kyso verify",
        "json",
        0xf74d81f6,
        "Viết tắt của --format json",
    ),
    arg(
        "kyso verify",
        "jsonl",
        0xcc336bce,
        "Viết tắt của --format jsonl",
    ),
    arg(
        "kyso verify",
        "csv",
        0xb57d1b68,
        "Viết tắt của --format csv",
    ),
    arg(
        "kyso verify",
        "jobs",
        0x9470cab5,
        "Số luồng chạy song song (mặc định: mọi lõi CPU)",
    ),
    arg(
        "kyso verify",
        "trust",
        0xab2b621b,
        "Chứng thư gốc tin cậy bổ sung cho lần chạy này (tệp hoặc thư mục, PEM hoặc DER)",
    ),
    arg(
        "kyso verify",
        "at",
        0x36514549,
        "Kiểm tra tại thời điểm này thay cho thời điểm ký (RFC 3339)",
    ),
    arg("kyso verify", "offline", 0xa93efec9, "Không tải gì từ mạng"),
    arg(
        "kyso verify",
        "allow_external",
        0x8a8d31c6,
        "Theo các tham chiếu XML ra ngoài thư mục của chữ ký: tải URL http(s), đọc URI file: và \
         đường dẫn tuyệt đối (dữ liệu thu hồi vẫn theo --offline)",
    ),
    arg(
        "kyso verify",
        "require_signature",
        0x23e63215,
        "Coi văn bản chưa ký là không đạt",
    ),
    arg(
        "kyso verify",
        "expect",
        0xaa9cf44f,
        "Kiểm tra các vai trò ký mà quy định về văn thư yêu cầu: `issued` = một chữ ký kiểu \
         approve (chứng thư số cá nhân) rồi đến một chữ ký kiểu issue (chứng thư số tổ chức)",
    ),
    // kyso timestamp
    arg(
        "kyso timestamp",
        "inputs",
        0x2f7c71d9,
        "Các tệp cần gắn dấu thời gian (hoặc, với --verify, các cặp FILE [FILE.tsr] hay các tệp \
         có tệp .tsr bên cạnh)",
    ),
    arg(
        "kyso timestamp",
        "verify",
        0x2650c1d7,
        "Kiểm tra dấu thời gian đã có thay vì yêu cầu dấu thời gian mới",
    ),
    arg(
        "kyso timestamp",
        "detached",
        0x5839a5c0,
        "Với cả tệp PDF, ghi tệp FILE.tsr tách rời thay cho dấu thời gian văn bản",
    ),
    arg(
        "kyso timestamp",
        "output",
        0x762509f8,
        "Tệp kết quả khi chỉ có một tệp PDF (mặc định: tệp PDF được cập nhật tại chỗ)",
    ),
    arg(
        "kyso timestamp",
        "force",
        0xeb00497a,
        "Ghi đè các tệp .tsr và tệp kết quả đã tồn tại",
    ),
    arg(
        "kyso timestamp",
        "trust",
        0x000141a0,
        "Chứng thư gốc tin cậy cho --verify (tệp, PEM hoặc DER; mặc định: kho tin cậy đã cài)",
    ),
    arg(
        "kyso timestamp",
        "query",
        0x96352799,
        "Yêu cầu TimeStampReq (.tsq) mà dấu thời gian trả lời, để kiểm tra nonce khi có \
         --verify",
    ),
    arg(
        "kyso timestamp",
        "json",
        0x1fa9ae33,
        "In một đối tượng JSON cho mỗi tệp thay cho các dòng chữ",
    ),
    // kyso ltv
    arg("kyso ltv", "inputs", 0x01a31044, "Các tệp PDF đã ký"),
    arg(
        "kyso ltv",
        "archive",
        0x5e8ae7c0,
        "Thêm dấu thời gian văn bản phủ lên DSS (PAdES B-LTA); cần --tsa",
    ),
    arg(
        "kyso ltv",
        "renew",
        0xc078a495,
        "Chỉ gắn lại dấu thời gian cho những bản lưu trữ có chứng thư TSA của dấu thời gian \
         cuối sắp hết hạn",
    ),
    arg(
        "kyso ltv",
        "renew_within",
        0xa77040e0,
        "Dùng với --renew: số ngày trước khi chứng thư TSA hết hạn thì cần gia hạn",
    ),
    arg(
        "kyso ltv",
        "dry_run",
        0xd4cd9b77,
        "Dùng với --renew: liệt kê những gì sẽ được gia hạn, không thay đổi gì",
    ),
    arg(
        "kyso ltv",
        "output",
        0x6ed98e8e,
        "Tệp kết quả khi chỉ có một tệp đầu vào (mặc định: tệp PDF được cập nhật tại chỗ)",
    ),
    arg(
        "kyso ltv",
        "json",
        0x1fa9ae33,
        "In một đối tượng JSON cho mỗi tệp thay cho các dòng chữ",
    ),
    // kyso token list, kyso token certs
    arg(
        "kyso token list",
        "pkcs11",
        0x3aa1eb50,
        "Thư viện PKCS#11 của USB token",
    ),
    arg(
        "kyso token list",
        "json",
        0x5ce82f3e,
        "In JSON thay cho bảng",
    ),
    arg(
        "kyso token certs",
        "pkcs11",
        0x3aa1eb50,
        "Thư viện PKCS#11 của USB token",
    ),
    arg(
        "kyso token certs",
        "pin_env",
        0x998138e6,
        "Đăng nhập bằng mã PIN trong biến môi trường này, để thấy các khóa bí mật mà token \
         ẩn đi trước khi đăng nhập",
    ),
    arg(
        "kyso token certs",
        "pin_file",
        0xdf075b27,
        "Đăng nhập bằng mã PIN ở dòng đầu tiên của tệp này",
    ),
    arg(
        "kyso token certs",
        "pin_stdin",
        0x3d3b9d54,
        "Đăng nhập bằng mã PIN ở dòng đầu tiên của đầu vào chuẩn",
    ),
    arg(
        "kyso token certs",
        "json",
        0x5ce82f3e,
        "In JSON thay cho bảng",
    ),
    // kyso chain validate
    arg(
        "kyso chain validate",
        "leaf",
        0x53ca8ca1,
        "Chứng thư số của thuê bao cuối (PEM hoặc DER)",
    ),
    arg(
        "kyso chain validate",
        "trust",
        0xb5e96c7b,
        "Các chứng thư gốc tin cậy (tệp hoặc thư mục, PEM hoặc DER); mặc định: bộ đã cài",
    ),
    arg(
        "kyso chain validate",
        "untrusted",
        0x1d870cb5,
        "Các chứng thư trung gian ứng viên (thứ tự bất kỳ, được phép có chứng thư gây nhiễu)",
    ),
    arg(
        "kyso chain validate",
        "at",
        0x19fb169a,
        "Thời điểm kiểm tra, RFC 3339 (mặc định: bây giờ)",
    ),
    arg(
        "kyso chain validate",
        "eku",
        0xfa864441,
        "Mục đích sử dụng mở rộng mà chứng thư cuối phải cho phép (OID dạng số chấm; lặp lại \
         để nêu các lựa chọn thay thế)",
    ),
    arg(
        "kyso chain validate",
        "key_usage",
        0xa5ed1e8c,
        "Bit mục đích sử dụng khóa mà chứng thư cuối phải có (tên theo RFC 5280, ví dụ \
         digitalSignature)",
    ),
    arg(
        "kyso chain validate",
        "max_depth",
        0x252754db,
        "Số tổ chức chứng thực trung gian tối đa giữa chứng thư cuối và chứng thư gốc",
    ),
    arg(
        "kyso chain validate",
        "crl",
        0x2bcf471d,
        "Các tệp CRL dùng để kiểm tra thu hồi",
    ),
    arg(
        "kyso chain validate",
        "ocsp",
        0x625b3a43,
        "Các phản hồi OCSP dạng DER dùng để kiểm tra thu hồi",
    ),
    arg(
        "kyso chain validate",
        "offline",
        0x3ea5b7c2,
        "Không tải gì từ mạng (AIA, điểm phân phối CRL, OCSP)",
    ),
    arg(
        "kyso chain validate",
        "revocation",
        0x4de7f540,
        "Kiểm tra thu hồi (mặc định: hard-fail khi có --crl hoặc --ocsp, soft-fail khi trực \
         tuyến, tắt khi ngoại tuyến mà không có bằng chứng)",
    ),
    arg(
        "kyso chain validate",
        "purpose",
        0x07d5401c,
        "Chứng thư cuối dùng để làm gì: document-signer cần digitalSignature hoặc \
         nonRepudiation, tsa cần mục đích sử dụng mở rộng timeStamping bắt buộc và duy nhất",
    ),
    arg(
        "kyso chain validate",
        "sha1",
        0x0540fcef,
        "Xử lý thế nào với chữ ký SHA-1 trên chứng thư số",
    ),
    arg(
        "kyso chain validate",
        "timeout",
        0xfee0c64f,
        "Số giây chờ mỗi yêu cầu mạng (chỉ khi trực tuyến)",
    ),
    arg(
        "kyso chain validate",
        "json",
        0x1b5a9838,
        "In một đối tượng JSON thay cho chữ",
    ),
    // kyso trust install, kyso trust list
    arg(
        "kyso trust install",
        "paths",
        0xa883906c,
        "Các tệp hoặc thư mục chứng thư số (PEM hoặc DER)",
    ),
    arg(
        "kyso trust install",
        "allow_unpinned",
        0xed5077d5,
        "Cài cả những chứng thư số không có trong danh mục ghim (nguy hiểm)",
    ),
    arg(
        "kyso trust list",
        "json",
        0x5ce82f3e,
        "In JSON thay cho bảng",
    ),
    // kyso generate man
    arg(
        "kyso generate man",
        "dir",
        0xa47ef212,
        "Thư mục để ghi kyso.1 và các tệp kyso-*.1",
    ),
];

pub(crate) const VALUES: &[ValueText] = &[
    val("*", "lang", "vi", 0x1a8c6dba, "Tiếng Việt"),
    val("*", "lang", "en", 0x1b9ae0bb, "Tiếng Anh"),
    val(
        "*",
        "subfilter",
        "ETSI.CAdES.detached",
        0x4b8d5e35,
        "PAdES baseline (ETSI.CAdES.detached)",
    ),
    val(
        "*",
        "subfilter",
        "adbe.pkcs7.detached",
        0xa26e90c6,
        "ISO 32000-1 PKCS#7 tách rời, cho phần mềm kiểm tra cũ (adbe.pkcs7.detached)",
    ),
    val(
        "kyso sign",
        "profile",
        "approve",
        0xf10ce2be,
        "Người có thẩm quyền ký duyệt: chứng thư số cá nhân, ảnh chữ ký",
    ),
    val(
        "kyso sign",
        "profile",
        "issue",
        0x0e5aae19,
        "Văn thư ban hành: chứng thư số của cơ quan, ảnh con dấu",
    ),
    val(
        "kyso sign",
        "profile",
        "attach",
        0x94b6d8de,
        "Văn thư ký tài liệu kèm theo ở tệp riêng: dấu góc",
    ),
    val(
        "kyso sign",
        "profile",
        "copy",
        0x7e9e6d0f,
        "Văn thư ký bản sao điện tử: dấu góc ghi loại bản sao",
    ),
    val(
        "kyso sign",
        "copy_type",
        "sao-y",
        0x66fbc16d,
        "SAO Y: bản sao đầy đủ từ bản chính",
    ),
    val(
        "kyso sign",
        "copy_type",
        "sao-luc",
        0x0b673553,
        "SAO LỤC: bản sao đầy đủ từ bản sao",
    ),
    val(
        "kyso sign",
        "copy_type",
        "trich-sao",
        0x559c4e58,
        "TRÍCH SAO: bản sao một phần nội dung",
    ),
    val("*", "tsa_hash", "sha256", 0xc64cb93d, "SHA-256"),
    val("*", "tsa_hash", "sha384", 0xa4d7ea95, "SHA-384"),
    val("*", "tsa_hash", "sha512", 0x87550878, "SHA-512"),
    val(
        "*",
        "tsa_hash",
        "sha1",
        0x362febb8,
        "SHA-1 (chỉ cho TSA cũ; không dùng cho dấu thời gian văn bản)",
    ),
    val(
        "kyso verify",
        "expect",
        "issued",
        0xa18b4d49,
        "Văn bản ban hành: do một cá nhân ký (approve), rồi đến cơ quan ký (issue)",
    ),
    val("kyso verify", "format", "table", 0x46d8c014, "Bảng dễ đọc"),
    val(
        "kyso verify",
        "format",
        "json",
        0xc8cff05b,
        "Một văn bản JSON cho mỗi tệp",
    ),
    val(
        "kyso verify",
        "format",
        "jsonl",
        0x9512ded1,
        "Một dòng JSON cho mỗi tệp (ghi dần)",
    ),
    val(
        "kyso verify",
        "format",
        "csv",
        0xe95900bc,
        "CSV, một dòng cho mỗi chữ ký",
    ),
    val(
        "kyso chain validate",
        "revocation",
        "off",
        0x8ccccd07,
        "Không kiểm tra thu hồi",
    ),
    val(
        "kyso chain validate",
        "revocation",
        "soft-fail",
        0xeb9024b9,
        "Kiểm tra; vẫn chấp nhận kèm cảnh báo khi không tìm được trạng thái",
    ),
    val(
        "kyso chain validate",
        "revocation",
        "hard-fail",
        0xe5208696,
        "Kiểm tra; không đạt khi không tìm được trạng thái",
    ),
    val(
        "kyso chain validate",
        "sha1",
        "reject",
        0xa67a17c3,
        "Từ chối chứng thư số ký bằng SHA-1",
    ),
    val(
        "kyso chain validate",
        "sha1",
        "warn",
        0xb17d7204,
        "Chấp nhận và cảnh báo (tài liệu lưu trữ cũ, VGCA G1 đến năm 2030)",
    ),
    val(
        "kyso chain validate",
        "purpose",
        "any",
        0x15670d68,
        "Không có quy tắc nào ngoài --eku và --key-usage",
    ),
    val(
        "kyso chain validate",
        "purpose",
        "document-signer",
        0x43dd8d2d,
        "Người ký văn bản",
    ),
    val(
        "kyso chain validate",
        "purpose",
        "tsa",
        0x83c16f99,
        "Máy chủ cấp dấu thời gian (RFC 3161)",
    ),
];

/// The table row for `path` (exact first, then `"*"`).
fn find<'t, T>(rows: &'t [T], path: &str, matches: impl Fn(&T, &str) -> bool) -> Option<&'t T> {
    rows.iter()
        .find(|row| matches(row, path))
        .or_else(|| rows.iter().find(|row| matches(row, "*")))
}

pub(crate) fn command_text(path: &str) -> Option<&'static CommandText> {
    COMMANDS.iter().find(|row| row.path == path)
}

pub(crate) fn arg_text(path: &str, id: &str) -> Option<&'static ArgText> {
    find(ARGS, path, |row, p| row.path == p && row.id == id)
}

pub(crate) fn value_text(path: &str, id: &str, value: &str) -> Option<&'static ValueText> {
    find(VALUES, path, |row, p| {
        row.path == p && row.id == id && row.value == value
    })
}

pub(crate) fn heading(english: &str) -> Option<&'static str> {
    HEADINGS
        .iter()
        .find(|(en, _)| *en == english)
        .map(|(_, vi)| *vi)
}

/// The table path of a command: the copies clap makes under its `help` subcommand
/// (`kyso help sign`) read the texts of the commands they copy (`kyso sign`).
pub(crate) fn table_path(path: &str) -> String {
    let mut parts: Vec<&str> = path.split(' ').collect();
    let last = parts.len().saturating_sub(1);
    let mut i = 0;
    parts.retain(|part| {
        let keep = *part != "help" || i == last;
        i += 1;
        keep
    });
    parts.join(" ")
}

/// Whether `command` is clap's generated `help` subcommand (or a copy of it).
pub(crate) fn is_clap_help(command: &Command) -> bool {
    command.get_name() == "help"
        && command
            .get_about()
            .is_some_and(|about| about.to_string() == CLAP_HELP_ABOUT)
}

/// `command` with every text in Vietnamese. The command is built first (so clap's generated
/// help and version flags and `help` subcommands exist to be translated); parse with it as is.
/// The usage line's placeholders.
const USAGE_OPTIONS: &str = "[TÙY CHỌN]";
const USAGE_COMMAND: &str = "<LỆNH>";

pub fn localize(mut command: Command) -> Command {
    command.build();
    localize_command(command, "kyso")
}

fn localize_command(command: Command, path: &str) -> Command {
    let table = table_path(path);
    let mut command = if is_clap_help(&command) {
        command.about(HELP_COMMAND).long_about(None::<&str>)
    } else if let Some(text) = command_text(&table) {
        command.about(text.about).long_about(text.long_about)
    } else {
        command
    };
    // clap's usage line with its placeholders in Vietnamese ("[OPTIONS]", "<COMMAND>").
    let english_usage = command.render_usage().to_string();
    let usage_line = english_usage
        .strip_prefix("Usage: ")
        .unwrap_or(&english_usage)
        .replace("[OPTIONS]", USAGE_OPTIONS)
        .replace("<COMMAND>", USAGE_COMMAND);
    command = command.override_usage(usage_line);
    let usage = command.get_styles().get_usage();
    let template = format!(
        "{{before-help}}{{about-with-newline}}\n{}{USAGE}{} {{usage}}\n\n{{all-args}}{{after-help}}",
        usage.render(),
        usage.render_reset()
    );
    command = command
        .help_template(template)
        .subcommand_help_heading(COMMANDS_HEADING)
        .mut_args(|arg| localize_arg(arg, &table));
    let parent = path.to_owned();
    command.mut_subcommands(|sub| {
        let path = format!("{parent} {}", sub.get_name());
        localize_command(sub, &path)
    })
}

fn localize_arg(arg: Arg, path: &str) -> Arg {
    let id = arg.get_id().as_str().to_owned();
    let has_long = arg.get_long_help().is_some();
    let (help, long_help): (String, Option<String>) = match id.as_str() {
        "help" => {
            if has_long {
                (
                    PRINT_HELP_MORE.to_owned(),
                    Some(PRINT_HELP_SUMMARY.to_owned()),
                )
            } else {
                (PRINT_HELP.to_owned(), None)
            }
        }
        "version" => (PRINT_VERSION.to_owned(), None),
        "subcommand" if path.ends_with(" help") || path == "help" => {
            (HELP_COMMAND_ARG.to_owned(), None)
        }
        _ => match arg_text(path, &id) {
            Some(text) => (text.help.to_owned(), text.long_help.map(str::to_owned)),
            // Untranslated (the tests forbid it): keep clap's English.
            None => return arg,
        },
    };
    let heading = match arg.get_help_heading() {
        Some(english) => heading(english).unwrap_or(english).to_owned(),
        None if arg.is_positional() => ARGUMENTS.to_owned(),
        None => OPTIONS.to_owned(),
    };

    // clap's "[default: …]", "[env: …]" and "[possible values: …]", in Vietnamese.
    let mut short_specs: Vec<String> = Vec::new();
    let mut long_specs: Vec<String> = Vec::new();
    if let Some(env) = arg.get_env() {
        let spec = format!("[{ENV}: {}]", env.to_string_lossy());
        short_specs.push(spec.clone());
        long_specs.push(spec);
    }
    let takes_value = arg.get_action().takes_values();
    if takes_value && !arg.get_default_values().is_empty() {
        let values: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        let spec = format!("[{DEFAULT}: {}]", values.join(" "));
        short_specs.push(spec.clone());
        long_specs.push(spec);
    }
    let values: Vec<PossibleValue> = if takes_value {
        arg.get_possible_values()
            .into_iter()
            .filter(|v| !v.is_hide_set())
            .collect()
    } else {
        Vec::new()
    };
    let mut value_list = String::new();
    if !values.is_empty() {
        let names: Vec<&str> = values.iter().map(PossibleValue::get_name).collect();
        short_specs.push(format!("[{POSSIBLE_VALUES}: {}]", names.join(", ")));
        if values.iter().any(|v| v.get_help().is_some()) {
            value_list.push_str(POSSIBLE_VALUES_LONG);
            for value in &values {
                let text = value_text(path, &id, value.get_name())
                    .map(|t| t.help.to_owned())
                    .or_else(|| value.get_help().map(ToString::to_string));
                value_list.push_str("\n- ");
                value_list.push_str(value.get_name());
                if let Some(text) = text {
                    value_list.push_str(": ");
                    value_list.push_str(&text);
                }
            }
        } else {
            long_specs.push(format!("[{POSSIBLE_VALUES}: {}]", names.join(", ")));
        }
    }

    let short = join_specs(&help, &short_specs, " ");
    let mut long = join_specs(long_help.as_deref().unwrap_or(&help), &long_specs, "\n\n");
    if !value_list.is_empty() {
        long.push_str("\n\n");
        long.push_str(&value_list);
    }
    let arg = arg
        .help(short)
        .help_heading(heading)
        .hide_default_value(true)
        .hide_possible_values(true)
        .hide_env(true);
    // A long help only where the English has one or where it says more than the short one
    // (the value list); clap shows the short help in `--help` otherwise.
    if long_help.is_some() || !value_list.is_empty() || has_long {
        arg.long_help(long)
    } else {
        arg
    }
}

fn join_specs(text: &str, specs: &[String], separator: &str) -> String {
    if specs.is_empty() {
        text.to_owned()
    } else {
        format!("{text}{separator}{}", specs.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    /// Every (table path, arg id) and (table path, arg id, value) of the command tree, with the
    /// English texts, skipping clap's generated help machinery.
    struct Tree {
        /// (path, has a long about, English fingerprint)
        commands: Vec<(String, bool, u32)>,
        /// (path, id, English help, has a long help, English fingerprint)
        args: Vec<(String, String, String, bool, u32)>,
        /// (path, id, value, English fingerprint)
        values: Vec<(String, String, String, u32)>,
    }

    /// FNV-1a over the texts, separated by a NUL.
    fn fingerprint(texts: &[Option<String>]) -> u32 {
        let mut hash: u32 = 0x811c_9dc5;
        for (i, text) in texts.iter().enumerate() {
            let separator: &[u8] = if i == 0 { b"" } else { b"\0" };
            let text = text.as_deref().unwrap_or_default().as_bytes();
            for byte in separator.iter().chain(text) {
                hash ^= u32::from(*byte);
                hash = hash.wrapping_mul(0x0100_0193);
            }
        }
        hash
    }

    fn walk(command: &Command, path: &str, tree: &mut Tree) {
        if is_clap_help(command) {
            return;
        }
        let about = command.get_about().map(ToString::to_string);
        let long_about = command.get_long_about().map(ToString::to_string);
        tree.commands.push((
            path.to_owned(),
            long_about.is_some(),
            fingerprint(&[about, long_about]),
        ));
        for arg in command.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            let help = arg.get_help().map(ToString::to_string);
            let long_help = arg.get_long_help().map(ToString::to_string);
            tree.args.push((
                path.to_owned(),
                id.to_owned(),
                help.clone().unwrap_or_default(),
                long_help.is_some(),
                fingerprint(&[help, long_help]),
            ));
            for value in arg.get_possible_values() {
                if let (Some(help), false) = (value.get_help(), value.is_hide_set()) {
                    tree.values.push((
                        path.to_owned(),
                        id.to_owned(),
                        value.get_name().to_owned(),
                        fingerprint(&[Some(help.to_string())]),
                    ));
                }
            }
        }
        for sub in command.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), tree);
        }
    }

    fn tree() -> Tree {
        let mut command = Cli::command();
        command.build();
        let mut tree = Tree {
            commands: Vec::new(),
            args: Vec::new(),
            values: Vec::new(),
        };
        walk(&command, "kyso", &mut tree);
        tree
    }

    #[test]
    fn every_command_argument_and_value_has_a_vietnamese_text() {
        let tree = tree();
        let mut missing = Vec::new();
        for (path, has_long, _) in &tree.commands {
            match command_text(path) {
                None => missing.push(format!("command `{path}`: about")),
                Some(text) if *has_long && text.long_about.is_none() => {
                    missing.push(format!("command `{path}`: long about"));
                }
                Some(text) if !*has_long && text.long_about.is_some() => {
                    missing.push(format!(
                        "command `{path}`: the English has no long about any more"
                    ));
                }
                Some(_) => {}
            }
        }
        for (path, id, _, has_long, _) in &tree.args {
            match arg_text(path, id) {
                None => missing.push(format!("`{path}` argument `{id}`")),
                Some(text) if *has_long && text.long_help.is_none() => {
                    missing.push(format!("`{path}` argument `{id}`: long help"));
                }
                Some(_) => {}
            }
        }
        for (path, id, value, _) in &tree.values {
            if value_text(path, id, value).is_none() {
                missing.push(format!("`{path}` argument `{id}` value `{value}`"));
            }
        }
        assert!(
            missing.is_empty(),
            "add Vietnamese texts to src/cli/help_vi.rs for:\n  {}",
            missing.join("\n  ")
        );
    }

    #[test]
    fn no_table_row_is_stale() {
        let tree = tree();
        let commands: BTreeSet<&str> = tree.commands.iter().map(|(p, ..)| p.as_str()).collect();
        let mut stale = Vec::new();
        for row in COMMANDS {
            if !commands.contains(row.path) {
                stale.push(format!("command `{}`", row.path));
            }
        }
        for row in ARGS {
            let used = tree.args.iter().any(|(path, id, ..)| {
                id == row.id
                    && (path == row.path
                        || (row.path == "*" && arg_text(path, id).is_some_and(|t| t.path == "*")))
            });
            if !used {
                stale.push(format!("`{}` argument `{}`", row.path, row.id));
            }
        }
        for row in VALUES {
            let used = tree.values.iter().any(|(path, id, value, _)| {
                id == row.id
                    && value == row.value
                    && (path == row.path
                        || (row.path == "*"
                            && value_text(path, id, value).is_some_and(|t| t.path == "*")))
            });
            if !used {
                stale.push(format!(
                    "`{}` argument `{}` value `{}`",
                    row.path, row.id, row.value
                ));
            }
        }
        let mut command = Cli::command();
        command.build();
        let mut headings = BTreeSet::new();
        collect_headings(&command, &mut headings);
        for (english, _) in HEADINGS {
            if !headings.contains(*english) {
                stale.push(format!("heading `{english}`"));
            }
        }
        for english in &headings {
            if heading(english).is_none() {
                stale.push(format!("heading `{english}` has no Vietnamese text"));
            }
        }
        assert!(stale.is_empty(), "stale rows:\n  {}", stale.join("\n  "));
    }

    fn collect_headings(command: &Command, out: &mut BTreeSet<String>) {
        for arg in command.get_arguments() {
            if let Some(heading) = arg.get_help_heading() {
                out.insert(heading.to_owned());
            }
        }
        for sub in command.get_subcommands() {
            collect_headings(sub, out);
        }
    }

    #[test]
    fn shared_rows_translate_one_english_text() {
        // A "*" row must mean the same thing wherever it applies.
        let tree = tree();
        for row in ARGS.iter().filter(|row| row.path == "*") {
            let english: BTreeSet<&str> = tree
                .args
                .iter()
                .filter(|(path, id, ..)| {
                    id == row.id && arg_text(path, id).is_some_and(|t| t.path == "*")
                })
                .map(|(_, _, english, ..)| english.as_str())
                .collect();
            assert_eq!(
                english.len(),
                1,
                "the shared row for `{}` covers different English texts: {english:?}; give the \
                 commands their own rows",
                row.id
            );
        }
    }

    #[test]
    fn every_row_translates_the_current_english() {
        // When the English changes, the Vietnamese must be checked: the test names the rows
        // and gives their new fingerprints.
        let tree = tree();
        let mut changed = Vec::new();
        for (path, _, en) in &tree.commands {
            if let Some(row) = command_text(path).filter(|row| row.en != *en) {
                changed.push(format!(
                    "cmd({:?}, 0x{en:08x}, …) was 0x{:08x}",
                    path, row.en
                ));
            }
        }
        for (path, id, _, _, en) in &tree.args {
            if let Some(row) = arg_text(path, id).filter(|row| row.en != *en) {
                changed.push(format!(
                    "arg({:?}, {id:?}, 0x{en:08x}, …) was 0x{:08x}",
                    row.path, row.en
                ));
            }
        }
        for (path, id, value, en) in &tree.values {
            if let Some(row) = value_text(path, id, value).filter(|row| row.en != *en) {
                changed.push(format!(
                    "val({:?}, {id:?}, {value:?}, 0x{en:08x}, …) was 0x{:08x}",
                    row.path, row.en
                ));
            }
        }
        changed.sort();
        changed.dedup();
        assert!(
            changed.is_empty(),
            "the English changed since these rows of src/cli/help_vi.rs were translated; update \
             the Vietnamese, then the fingerprint:\n  {}",
            changed.join("\n  ")
        );
    }

    #[test]
    fn vietnamese_long_help_keeps_every_example_command() {
        fn examples(text: &str) -> Vec<String> {
            text.lines()
                .filter_map(|line| {
                    let line = line.trim_start();
                    let line = line
                        .strip_prefix("Example: ")
                        .or_else(|| line.strip_prefix("Ví dụ: "))
                        .unwrap_or(line);
                    (line.starts_with("kyso ") || line.contains("| kyso ")).then(|| line.to_owned())
                })
                .collect()
        }
        let mut command = Cli::command();
        command.build();
        let mut checked = 0;
        let mut stack = vec![(command, "kyso".to_owned())];
        while let Some((command, path)) = stack.pop() {
            for sub in command.get_subcommands() {
                if !is_clap_help(sub) {
                    stack.push((sub.clone(), format!("{path} {}", sub.get_name())));
                }
            }
            let Some(english) = command.get_long_about().map(ToString::to_string) else {
                continue;
            };
            let vietnamese = command_text(&path)
                .and_then(|t| t.long_about)
                .unwrap_or_default();
            assert_eq!(examples(&english), examples(vietnamese), "`{path}`");
            checked += examples(&english).len();
        }
        assert!(checked >= 15, "only {checked} examples found");
    }

    #[test]
    fn vietnamese_help_has_vietnamese_headings_and_texts() {
        let mut command = localize(Cli::command());
        let sign = command
            .find_subcommand_mut("sign")
            .expect("sign subcommand");
        let help = sign.render_long_help().to_string();
        for expected in [
            "Cách dùng:",
            "Đối số:",
            "Tùy chọn:",
            "Nguồn khóa ký:",
            "Chữ ký PDF:",
            "In trợ giúp",
            "Ví dụ:",
            "Người có thẩm quyền ký duyệt",
            "[mặc định: ETSI.CAdES.detached]",
        ] {
            assert!(help.contains(expected), "missing {expected:?} in:\n{help}");
        }
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Print help",
            "Examples:",
        ] {
            assert!(
                !help.contains(english),
                "English {english:?} left in:\n{help}"
            );
        }
        let root = command.render_help().to_string();
        assert!(root.contains("Lệnh:"), "{root}");
        assert!(root.contains(HELP_COMMAND), "{root}");
    }

    #[test]
    fn localized_command_parses_like_the_english_one() {
        let matches = localize(Cli::command())
            .try_get_matches_from(["kyso", "--lang", "vi", "verify", "--json", "a.pdf"])
            .expect("parses");
        let cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches).expect("converts");
        assert_eq!(cli.lang, Some(crate::cli::Lang::Vi));
        assert!(matches!(cli.command, crate::cli::Command::Verify(ref v) if v.json));
    }

    #[test]
    fn help_copies_read_the_texts_of_the_commands_they_copy() {
        assert_eq!(table_path("kyso help sign"), "kyso sign");
        assert_eq!(table_path("kyso token help list"), "kyso token list");
        assert_eq!(table_path("kyso help"), "kyso help");
    }
}
