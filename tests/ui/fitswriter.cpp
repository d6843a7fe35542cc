#include "fitswriter.h"

#include <fitsio.h>
#include <QFile>

namespace testfits {

static void writeTable(fitsfile* f, const Hdu& hdu, int* status) {
    char name1[] = "RA", name2[] = "DEC", form[] = "1D", unit[] = "deg";
    char* names[] = {name1, name2};
    char* forms[] = {form, form};
    char* units[] = {unit, unit};
    const QByteArray extname = hdu.extname.toLatin1();
    const long rows = hdu.axes.empty() ? 1 : hdu.axes[0];
    fits_create_tbl(f, BINARY_TBL, rows, 2, names, forms, units, extname.isEmpty() ? nullptr : extname.data(),
                    status);
    std::vector<double> column(size_t(rows), 1.5);
    fits_write_col(f, TDOUBLE, 1, 1, 1, rows, column.data(), status);
    fits_write_col(f, TDOUBLE, 2, 1, 1, rows, column.data(), status);
}

static void writeImage(fitsfile* f, const Hdu& hdu, int* status) {
    std::vector<long> axes = hdu.axes;
    fits_create_img(f, hdu.bitpix == 0 ? 8 : hdu.bitpix, int(axes.size()),
                    axes.empty() ? nullptr : axes.data(), status);
    if (!hdu.extname.isEmpty()) {
        QByteArray name = hdu.extname.toLatin1();
        fits_update_key(f, TSTRING, "EXTNAME", name.data(), nullptr, status);
    }
    if (hdu.hasBlank) {
        long long blank = hdu.blank;
        fits_update_key(f, TLONGLONG, "BLANK", &blank, "missing pixels", status);
    }
    if (!hdu.values.empty()) {
        std::vector<double> values = hdu.values;
        if (hdu.hasBlank) {
            double null = double(hdu.blank);
            // NaN in `values` marks a missing pixel: written as BLANK.
            for (double& v : values)
                if (v != v) v = null;
        }
        fits_write_img(f, TDOUBLE, 1, LONGLONG(values.size()), values.data(), status);
    }
}

bool write(const QString& path, const std::vector<Hdu>& hdus) {
    QFile::remove(path);
    fitsfile* f = nullptr;
    int status = 0;
    const QByteArray name = QFile::encodeName(path);
    fits_create_file(&f, name.constData(), &status);
    for (const Hdu& hdu : hdus) {
        if (hdu.table)
            writeTable(f, hdu, &status);
        else
            writeImage(f, hdu, &status);
        for (const auto& [key, value] : hdu.strings) {
            QByteArray k = key.toLatin1(), v = value.toLatin1();
            fits_update_key(f, TSTRING, k.data(), v.data(), "test keyword", &status);
        }
    }
    if (f) {
        int closeStatus = 0;
        fits_close_file(f, &closeStatus);
        if (!status) status = closeStatus;
    }
    return status == 0;
}

}  // namespace testfits
